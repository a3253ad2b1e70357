"""The signature, checked with the verification example exactly as docs/api.md prints it."""

from __future__ import annotations

import re
import time
from pathlib import Path

from apps.webhooks.signing import body_of, new_secret, signature_header

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def documented_verify():
    text = DOCS.read_text()
    match = re.search(r"<!-- webhook-verify-example -->\n```python\n(.*?)```\n"
                      r"<!-- /webhook-verify-example -->", text, re.S)
    assert match, "docs/api.md lost its webhook verification example"
    namespace: dict = {}
    exec(compile(match.group(1), "docs/api.md", "exec"), namespace)
    return namespace["verify"]


def test_the_documented_example_accepts_our_signature_and_refuses_tampering():
    verify = documented_verify()
    secret = new_secret()
    body = body_of({"id": "e1", "event": "referral.received", "data": {"referral": "r1"}})
    header = signature_header(secret=secret, body=body)
    assert verify(secret, body.encode(), header)
    assert not verify(secret, body.encode() + b" ", header)  # body changed
    assert not verify(new_secret(), body.encode(), header)  # another secret
    assert not verify(secret, body.encode(), header.replace("v1=", "v1=0"))
    old = signature_header(secret=secret, body=body, timestamp=int(time.time()) - 3600)
    assert not verify(secret, body.encode(), old)  # replayed an hour later
    assert not verify(secret, body.encode(), "nonsense")


def test_header_shape_and_secret_strength():
    secret = new_secret()
    assert secret.startswith("whsec_") and len(secret) >= 40
    assert secret != new_secret()
    header = signature_header(secret=secret, body="{}", timestamp=1796112000)
    assert re.fullmatch(r"t=1796112000,v1=[0-9a-f]{64}", header)
