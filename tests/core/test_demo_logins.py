"""`manage.py demo_logins` prints the logins, the password and the address again."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from apps.core.demo.loader import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def test_demo_logins_says_when_the_demo_is_not_loaded(db):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "not loaded" in out.getvalue()


def test_demo_logins_prints_logins_password_and_address(db):
    call_command("load_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_logins", "--url", "http://127.0.0.1:8765", stdout=out)
    text = out.getvalue()
    assert "coordinator" in text and "idva.clarke" in text
    assert f"Password: {DEFAULT_PASSWORD}" in text
    assert text.rstrip().endswith("Open:     http://127.0.0.1:8765/")
