"""Items 12 and 15 (issue 11): the served app shows the product's error pages, never Django's
debug pages, and static file paths cannot reach outside the static files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands, load_command_class
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import make_case

ROOT = Path(__file__).resolve().parents[2]
DEBUG_MARKERS = ("Traceback", "urlpatterns", "URLconf", "DATABASE_URL", "REDIS_URL",
                 "SECRET_KEY", "secret-detail", "Django tried these URL patterns",
                 "You're seeing this error because you have")
TRAVERSALS = [
    "/static/..%2f..%2fmanage.py",
    "/static/..%2f..%2f..%2fmanage.py",
    "/static/../../manage.py",
    "/static/%2e%2e/%2e%2e/manage.py",
    "/static/%2e%2e%2f%2e%2e%2fmanage.py",
    "/static/..%5c..%5cmanage.py",
    "/static/dist/..%2f..%2f..%2fmanage.py",
    "/static/img/%2e%2e%2f%2e%2e%2f%2e%2e%2fconfig%2fsettings%2fbase.py",
    "/static/%252e%252e%252f%252e%252e%252fmanage.py",
    "/static/%2fetc%2fpasswd",
    "/static//etc/passwd",
    "/static/..%2f..%2f.data%2fpg%2fpostgresql.conf",
]


def _settings_in_subprocess(module: str, **extra_env: str) -> str:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE"}}
    # URLs are only parsed when the settings load: nothing connects.
    env.update(DATABASE_URL="postgres://nobody@127.0.0.1:1/none",
               REDIS_URL="redis://127.0.0.1:1/0", **extra_env)
    result = subprocess.run(
        [sys.executable, "-c", f"import {module} as s; print(s.DEBUG)"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_local_settings_have_debug_off_unless_asked_for():
    assert _settings_in_subprocess("config.settings.local") == "False"
    assert _settings_in_subprocess("config.settings.local", DJANGO_DEBUG="true") == "True"


def _assert_no_debug_page(response) -> None:
    body = response.content.decode()
    for marker in DEBUG_MARKERS:
        assert marker not in body, marker


@pytest.mark.django_db
def test_missing_page_is_the_products_404_page_without_a_url_list(world):
    for client in (Client(), client_for(world.lead_practitioner)):
        response = client.get("/no-such-page/")

        assert response.status_code == 404
        assert "404.html" in [t.name for t in response.templates]
        assert '<h1 class="govuk-heading-l">Page not found</h1>' in response.content.decode()
        _assert_no_debug_page(response)


@pytest.mark.django_db
def test_a_case_of_another_agency_is_the_same_404_page(world):
    other = make_case(lead=world.outsider_practitioner)
    response = client_for(world.lead_practitioner).get(reverse("cases:detail", args=[other.pk]))

    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and other.reference not in body
    _assert_no_debug_page(response)


@pytest.mark.django_db
@pytest.mark.urls("tests.core.error_urls")
def test_an_error_is_the_products_500_page_without_traceback_or_environment(world):
    for client in (Client(raise_request_exception=False),
                   client_for(world.lead_practitioner)):
        client.raise_request_exception = False
        response = client.get("/test-boom/")

        assert response.status_code == 500
        assert "500.html" in [t.name for t in response.templates]
        body = response.content.decode()
        assert "Sorry, there is a problem with the service" in body
        assert settings.STATIC_URL + "dist/app.css" in body  # styled like the product
        assert world.lead_practitioner.user.username not in body
        _assert_no_debug_page(response)


def test_the_500_page_needs_no_request_context_or_database():
    body = render_to_string("500.html")  # no django_db mark: a query would raise here
    assert "Sorry, there is a problem with the service" in body


@pytest.mark.django_db
def test_an_unknown_host_is_the_products_400_page():
    response = Client(HTTP_HOST="evil.example").get("/")

    assert response.status_code == 400
    assert "Sorry, there is a problem with your request" in response.content.decode()
    _assert_no_debug_page(response)


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_is_the_products_403_page():
    response = Client(enforce_csrf_checks=True).post(reverse("accounts:login"),
                                                      {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert "Sorry, the form could not be sent" in response.content.decode()
    _assert_no_debug_page(response)


def _assert_not_served(client: Client, path: str) -> None:
    response = client.get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 404, (path, response.status_code)
    assert b"execute_from_command_line" not in body and b"SECRET_KEY" not in body, path
    assert b"Page not found" in body, path  # the product's page, not a bare error


@pytest.mark.django_db
@pytest.mark.parametrize("path", TRAVERSALS)
def test_static_path_traversal_is_a_404(path):
    _assert_not_served(Client(), path)


@pytest.mark.django_db
def test_static_files_as_make_run_serves_them_and_no_traversal(tmp_path):
    """`make run`: WhiteNoise serves only what collectstatic put in STATIC_ROOT."""
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "favicon.svg").write_bytes(
        (ROOT / "static" / "img" / "favicon.svg").read_bytes())
    with override_settings(DEBUG=False, STATIC_ROOT=tmp_path, WHITENOISE_AUTOREFRESH=False,
                           WHITENOISE_USE_FINDERS=False):
        client = Client()  # its handler builds the middleware (WhiteNoise) on first use
        response = client.get("/static/img/favicon.svg")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("image/svg+xml")
        for path in TRAVERSALS:
            _assert_not_served(client, path)


@override_settings(DEBUG=True)
def test_make_dev_runserver_leaves_static_files_to_whitenoise():
    """Django's own static handler under runserver answered the traversal with a 500."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler

    assert get_commands()["runserver"] == "whitenoise.runserver_nostatic"
    command = load_command_class("whitenoise.runserver_nostatic", "runserver")
    options = command.create_parser("manage.py", "runserver").parse_args([])
    handler = command.get_handler(**vars(options))
    assert not isinstance(handler, StaticFilesHandler)
