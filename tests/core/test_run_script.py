"""scripts/run.py (`make run`, `make dev`): what it starts and with which environment
(items 15 and 19 of issue 11)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def run():
    spec = importlib.util.spec_from_file_location("wraparound_run", ROOT / "scripts" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_run_serves_with_gunicorn_workers_and_debug_off(run):
    environ = {"WRAPAROUND_PORT": "8765", "DJANGO_DEBUG": "true"}
    env = run.run_environment(environ, dev=False)
    web = run.commands(env, dev=False)["web"]

    assert env["DJANGO_DEBUG"] == "false"  # whatever the shell had
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.local"
    assert web[1:4] == ["-m", "gunicorn", "config.wsgi:application"]
    assert web[web.index("--bind") + 1] == "127.0.0.1:8765"
    assert int(web[web.index("--workers") + 1]) >= 2
    assert "runserver" not in web


def test_make_run_still_starts_the_celery_worker_and_beat(run):
    processes = run.commands(run.run_environment({}, dev=False), dev=False)
    assert processes["worker"][1:6] == ["-m", "celery", "-A", "config", "worker"]
    assert processes["beat"][1:6] == ["-m", "celery", "-A", "config", "beat"]


def test_make_dev_is_runserver_with_debug(run):
    env = run.run_environment({"WRAPAROUND_PORT": "8766"}, dev=True)
    web = run.commands(env, dev=True)["web"]

    assert env["DJANGO_DEBUG"] == "true"
    assert web[1:4] == ["manage.py", "runserver", "127.0.0.1:8766"]


def test_site_url_is_the_address_actually_served(run):
    assert run.run_environment({}, dev=False)["WRAPAROUND_SITE_URL"] == "http://127.0.0.1:8000"
    env = run.run_environment({"WRAPAROUND_HOST": "localhost", "WRAPAROUND_PORT": "8765"},
                              dev=False)
    assert env["WRAPAROUND_SITE_URL"] == "http://localhost:8765"
    # every interface: links use the loopback address
    env = run.run_environment({"WRAPAROUND_HOST": "0.0.0.0", "WRAPAROUND_PORT": "9000"},
                              dev=True)
    assert env["WRAPAROUND_SITE_URL"] == "http://127.0.0.1:9000"


def test_an_explicit_site_url_is_kept(run):
    environ = {"WRAPAROUND_PORT": "8765", "WRAPAROUND_SITE_URL": "https://wrap.example.org"}
    assert run.run_environment(environ, dev=False)["WRAPAROUND_SITE_URL"] == (
        "https://wrap.example.org")
    environ["WRAPAROUND_SITE_URL"] = ""  # empty is unset
    assert run.run_environment(environ, dev=False)["WRAPAROUND_SITE_URL"] == (
        "http://127.0.0.1:8765")


def test_the_served_host_is_allowed(run):
    env = run.run_environment({"WRAPAROUND_HOST": "192.0.2.10"}, dev=False)
    assert env["DJANGO_ALLOWED_HOSTS"].split(",") == ["127.0.0.1", "localhost", "192.0.2.10"]
    assert "DJANGO_ALLOWED_HOSTS" not in run.run_environment({}, dev=False)
    env = run.run_environment({"WRAPAROUND_HOST": "192.0.2.10",
                               "DJANGO_ALLOWED_HOSTS": "wrap.example.org"}, dev=False)
    assert env["DJANGO_ALLOWED_HOSTS"] == "wrap.example.org"


def test_the_logins_and_address_come_last_with_where_the_mail_went(run):
    env = run.run_environment({"WRAPAROUND_PORT": "8765"}, dev=False)
    text = run.banner(env, mode="gunicorn", logins="Demo logins\n  Password: x")
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[1] == "Demo logins" and "Password: x" in text
    assert "running at http://127.0.0.1:8765/" in text
    assert "python manage.py demo_logins" in text and ".data/mail/" in text
    loud = run.banner({**env, "WRAPAROUND_EMAIL_CONSOLE": "true"}, mode="x", logins="")
    assert "printed above" in loud


def test_local_mail_goes_to_files_unless_asked(monkeypatch):
    import importlib

    import config.settings.local as local

    monkeypatch.delenv("DJANGO_EMAIL_BACKEND", raising=False)
    monkeypatch.delenv("WRAPAROUND_EMAIL_CONSOLE", raising=False)
    quiet = importlib.reload(local)
    assert quiet.EMAIL_BACKEND.endswith("filebased.EmailBackend")
    assert quiet.EMAIL_FILE_PATH.endswith("mail")
    monkeypatch.setenv("WRAPAROUND_EMAIL_CONSOLE", "true")
    assert importlib.reload(local).EMAIL_BACKEND.endswith("console.EmailBackend")
    monkeypatch.delenv("WRAPAROUND_EMAIL_CONSOLE")
    importlib.reload(local)
