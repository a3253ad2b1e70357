"""Change history of case data, kept by database triggers (django-pghistory).

Decorate every case-data model with ``@track_changes()``: inserts, updates and deletes are
written by Postgres itself, so bulk updates cannot skip them, and the acting user and agency
are attached from the request context (``apps.audit.middleware``).
"""

from __future__ import annotations

import pghistory


def track_changes():
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(),
    )
