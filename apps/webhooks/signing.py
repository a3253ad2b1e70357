"""The signature a receiver checks (docs/api.md has the receiver's side):

``Wraparound-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>``
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time

SECRET_PREFIX = "whsec_"
SIGNATURE_HEADER = "Wraparound-Signature"
EVENT_HEADER = "Wraparound-Event"
DELIVERY_HEADER = "Wraparound-Delivery"


def new_secret() -> str:
    """256 random bits, URL-safe."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def body_of(payload: dict) -> str:
    """The exact text that is sent and signed."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True)


def signature(*, secret: str, timestamp: int, body: str) -> str:
    message = f"{timestamp}.{body}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, body: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={signature(secret=secret, timestamp=timestamp, body=body)}"
