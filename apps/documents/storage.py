"""Where document files live: Django's storage API, configured by ``DOCUMENT_STORAGE``
(a ``STORAGES``-style entry: files under ``.data/documents`` by default; S3-compatible object
storage with django-storages in production, see docs/records.md)."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.files.storage import Storage, storages


@cache
def _storage(config_key: str) -> Storage:
    return storages.create_storage(dict(settings.DOCUMENT_STORAGE))


def document_storage() -> Storage:
    return _storage(repr(sorted(settings.DOCUMENT_STORAGE.items())))
