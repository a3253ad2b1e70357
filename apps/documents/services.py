"""Writes of documents: upload (checked, stored, held), scan result, the scan outbox."""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import timedelta
from typing import BinaryIO
from uuid import UUID

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from apps.agencies.actor import Actor, actor_require_writer
from apps.agencies.models import Role
from apps.agencies.selectors import member_ids
from apps.audit.services import access_record
from apps.cases import policy
from apps.cases.models import Case, NoteVisibility
from apps.core import outbox
from apps.core.exceptions import ServiceError
from apps.documents.checks import check_content, max_bytes
from apps.documents.models import Document, ScanState
from apps.documents.scanning import ScannerUnavailable, get_scanner
from apps.documents.storage import document_storage

log = logging.getLogger(__name__)

QUARANTINE_PREFIX = "quarantine/"


def scan_backoff(attempts: int) -> timedelta:
    """Wait before the next try of a scan: 30 s doubling, at most an hour."""
    return outbox.backoff(attempts, base_seconds=30, cap_seconds=3600)


def _read_upload(upload: BinaryIO) -> bytes:
    """The whole upload, refusing one over the limit without reading far past it."""
    limit = max_bytes()
    data = upload.read(limit + 1)
    if len(data) > limit:
        from apps.documents.checks import human_size

        raise ServiceError(f"The file must be {human_size(limit)} or smaller.", field="file")
    return data


def document_upload(*, actor: Actor, case: Case, upload: BinaryIO, filename: str, title: str,
                    visibility: str = NoteVisibility.SHARED) -> Document:
    """Attach a file to the case's chronology. Everything is checked before anything is
    stored; the file is held (``pending``) until the scan passes; the scan is published when
    the row commits and the sweep republishes it if the broker was down."""
    actor_require_writer(actor=actor)
    title = (title or "").strip()
    if not title:
        raise ServiceError("Enter what the document is, for example \"Signed consent form\".",
                           field="title")
    if len(title) > 200:
        raise ServiceError("Title must be 200 characters or fewer.", field="title")
    if visibility not in NoteVisibility.values:
        raise ServiceError("Choose who can see the document.", field="visibility")
    data = _read_upload(upload)
    checked = check_content(name=filename, data=data)
    document_id = uuid.uuid4()
    key = f"documents/{case.pk}/{document_id}{checked.extension}"
    storage = document_storage()
    stored_key = ""
    try:
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=case.pk)
            policy.require_add_document(actor=actor, case=case)
            stored_key = storage.save(key, ContentFile(data))
            document = Document.objects.create(
                id=document_id, case=case, uploaded_by=actor.user, agency_id=actor.agency_id,
                title=title, filename=checked.filename, content_type=checked.content_type,
                size=len(data), sha256=hashlib.sha256(data).hexdigest(), visibility=visibility,
                storage_key=stored_key, scan_next_at=timezone.now() + scan_backoff(1))
            Case.objects.filter(pk=case.pk).update(last_activity_at=timezone.now())
            access_record(actor=actor, object_type="document", object_id=document.pk,
                          case_id=case.pk, action="create")
            transaction.on_commit(lambda: scan_publish([document.pk]))
    except BaseException:
        if stored_key:  # nothing half-stored: the row did not commit, so the file goes too
            storage.delete(stored_key)
        raise
    return document


def scan_publish(ids: list[UUID]) -> int:
    """Send scan tasks; never raises (the sweep republishes what could not be sent)."""
    from apps.documents.tasks import scan_document

    return outbox.publish_each(scan_document, ids, what="document scan")


def scan_sweep(*, batch: int = 200) -> int:
    """Beat: republish the scans still pending whose next try is due (the outbox sweep)."""
    return outbox.sweep_due(Document.objects.filter(scan_state=ScanState.PENDING),
                            attempts_field="scan_attempts", next_field="scan_next_at",
                            batch=batch, wait=scan_backoff, publish=scan_publish)


def document_scan(*, document_id: UUID | str) -> str:
    """Scan one held document (run by the worker): clean -> served from now on; flagged ->
    moved to quarantine, its uploader and agency admins told (no personal data); scanner not
    answering -> still held, tried again later. Returns the state. Idempotent."""
    from apps.notifications.services import notify

    scanner = get_scanner()
    if scanner is None:
        log.warning("no document scanner configured: documents stay held")
        return ScanState.PENDING
    storage = document_storage()
    with transaction.atomic():
        document = (Document.objects.select_for_update().select_related("case")
                    .filter(pk=document_id).first())
        if document is None or document.scan_state != ScanState.PENDING:
            return document.scan_state if document else ""
        try:
            with storage.open(document.storage_key, "rb") as stream:
                result = scanner.scan(stream)
        except (ScannerUnavailable, OSError) as exc:
            document.scan_error = str(exc)[:200]
            document.scan_next_at = timezone.now() + scan_backoff(document.scan_attempts + 1)
            document.save(update_fields=["scan_error", "scan_next_at", "updated_at"])
            return ScanState.PENDING
        document.scanned_at = timezone.now()
        document.scan_error = ""
        document.scan_next_at = None
        if result.clean:
            document.scan_state = ScanState.CLEAN
            document.save(update_fields=["scan_state", "scanned_at", "scan_error",
                                         "scan_next_at", "updated_at"])
            return ScanState.CLEAN
        old_key = document.storage_key
        with storage.open(old_key, "rb") as stream:
            new_key = storage.save(f"{QUARANTINE_PREFIX}{old_key}", stream)
        document.storage_key = new_key
        document.scan_state = ScanState.QUARANTINED
        document.scan_signature = result.signature
        document.save(update_fields=["scan_state", "scanned_at", "scan_error", "scan_next_at",
                                     "scan_signature", "storage_key", "updated_at"])
        access_record(actor=None, object_type="document", object_id=document.pk,
                      case_id=document.case_id, action="quarantine", basis="virus scan")
        admins = member_ids(agency_ids=[document.agency_id], roles=(Role.AGENCY_ADMIN,))
        recipients = {document.uploaded_by_id, *admins}
        notify(recipients=recipients, kind="document_quarantined", target_type="document",
               target_id=document.pk, agency_id=document.agency_id,
               title=f"A file added to case {document.case.reference} was quarantined by the "
                     "virus scan",
               url=f"/cases/{document.case_id}/documents/")
        transaction.on_commit(lambda: storage.delete(old_key))
        return ScanState.QUARANTINED


def document_download_record(*, actor: Actor, document: Document) -> None:
    """Audit a download like a read of case data."""
    access_record(actor=actor, object_type="document", object_id=document.pk,
                  case_id=document.case_id, action="download")
