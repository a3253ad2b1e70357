from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.documents.clamd_server import running_clamd


@pytest.fixture(autouse=True)
def _document_files(settings, tmp_path):
    """Each test stores its files in its own folder (and checks nothing is left behind)."""
    settings.DOCUMENT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                 "OPTIONS": {"location": str(tmp_path / "documents")}}
    yield tmp_path / "documents"
    shutil.rmtree(tmp_path / "documents", ignore_errors=True)


@pytest.fixture
def document_root(_document_files) -> Path:
    return _document_files


@pytest.fixture
def clamd(settings):
    """A clamd-speaking server on 127.0.0.1, configured as the scanner."""
    with running_clamd() as server:
        settings.DOCUMENT_SCANNER = "apps.documents.scanning.ClamdScanner"
        settings.CLAMD_URL = server.url
        yield server


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []

