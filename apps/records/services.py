"""Writes of the records app: subject access requests (open, assemble, release)."""

from __future__ import annotations

import datetime
import logging
from datetime import timedelta
from uuid import UUID

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from apps.agencies.actor import Actor, actor_require_writer
from apps.audit.services import access_record
from apps.cases import policy
from apps.core.exceptions import ServiceError, TransitionNotAllowed
from apps.documents.storage import document_storage
from apps.people.models import Person
from apps.records import bundle
from apps.records.models import RequesterKind, SarStatus, SubjectAccessRequest

log = logging.getLogger(__name__)


def due_date(received_on: datetime.date) -> datetime.date:
    """One calendar month after receipt (the ICO's rule: 31 January -> 28/29 February)."""
    return received_on + relativedelta(months=1)


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 3600))


def sar_open(*, actor: Actor, person: Person, received_on: datetime.date,
             requester_kind: str = RequesterKind.PERSON,
             requester_details: str = "") -> SubjectAccessRequest:
    """An agency admin records a subject access request; assembly starts once it commits."""
    actor_require_writer(actor=actor)
    policy.require_answer_subject_access(actor=actor)
    today = timezone.localdate()
    if received_on > today:
        raise ServiceError("The date received cannot be in the future.", field="received_on")
    if received_on < today - relativedelta(years=1):
        raise ServiceError("The date received must be within the last year.",
                           field="received_on")
    if requester_kind not in RequesterKind.values:
        raise ServiceError("Choose who asked.", field="requester_kind")
    requester_details = (requester_details or "").strip()
    if requester_kind == RequesterKind.REPRESENTATIVE and not requester_details:
        raise ServiceError("Say who asked for them, and how they showed they may.",
                           field="requester_details")
    from apps.records.selectors import people_held

    if not people_held(actor=actor).filter(pk=person.pk).exists():
        raise ServiceError("Your agency holds no record of that person.", field="person")
    with transaction.atomic():
        sar = SubjectAccessRequest.objects.create(
            agency_id=actor.agency_id, person=person, requester_kind=requester_kind,
            requester_details=requester_details, received_on=received_on,
            due_on=due_date(received_on), opened_by=actor.user,
            assemble_next_at=timezone.now() + _backoff(1))
        access_record(actor=actor, object_type="subject_access_request", object_id=sar.pk,
                      action="create", basis="subject access request")
        transaction.on_commit(lambda: assemble_publish([sar.pk]))
    return sar


def assemble_publish(ids: list[UUID]) -> int:
    """Send assembly tasks; never raises (the sweep republishes what could not be sent)."""
    from apps.records.tasks import sar_assemble_task

    sent = 0
    for pk in ids:
        try:
            sar_assemble_task.apply_async(args=[str(pk)], retry=False)
        except Exception as exc:  # broker down: the sweep tries again
            log.warning("subject access assembly publish failed; the sweep will retry (%s)",
                        type(exc).__name__)
            break
        sent += 1
    return sent


def sar_sweep(*, batch: int = 50) -> int:
    """Beat: republish the assemblies still to do whose next try is due (the outbox)."""
    now = timezone.now()
    with transaction.atomic():
        due = list(SubjectAccessRequest.objects.select_for_update(skip_locked=True)
                   .filter(status=SarStatus.ASSEMBLING, assemble_next_at__lte=now)
                   .order_by("assemble_next_at")[:batch])
        for sar in due:
            sar.assemble_attempts += 1
            sar.assemble_next_at = now + _backoff(sar.assemble_attempts + 1)
        SubjectAccessRequest.objects.bulk_update(due, ["assemble_attempts", "assemble_next_at"])
        ids = [sar.pk for sar in due]
        if ids:
            transaction.on_commit(lambda: assemble_publish(ids))
    return len(ids)


def sar_assemble(*, sar_id: UUID | str) -> str:
    """Gather what the agency holds about the person into the bundle (run by the worker).
    Idempotent: a request already assembled is left alone."""
    storage = document_storage()
    with transaction.atomic():
        sar = (SubjectAccessRequest.objects.select_for_update().select_related("person", "agency")
               .filter(pk=sar_id).first())
        if sar is None or sar.status != SarStatus.ASSEMBLING:
            return sar.status if sar else ""
        data = bundle.gather(agency_id=sar.agency_id, person=sar.person)
        heading = (f"Subject access request to {sar.agency.name}, received "
                   f"{sar.received_on:%d %B %Y}, due {sar.due_on:%d %B %Y}")
        content = bundle.build_zip(data=data, heading=heading,
                                   open_file=lambda key: storage.open(key, "rb"))
        key = storage.save(f"subject-access/{sar.pk}/bundle.zip", ContentFile(content))
        sar.bundle_key = key
        sar.bundle_size = len(content)
        sar.summary = {section: {"entries": len(rows),
                                 "to_review": sum(1 for row in rows if row["review"])}
                       for section, rows in data.items()}
        sar.status = SarStatus.READY
        sar.assembled_at = timezone.now()
        sar.assemble_next_at = None
        sar.save(update_fields=["bundle_key", "bundle_size", "summary", "status",
                                "assembled_at", "assemble_next_at", "updated_at"])
        access_record(actor=None, object_type="subject_access_request", object_id=sar.pk,
                      action="assemble", basis="subject access request")
    return SarStatus.READY


def sar_release(*, actor: Actor, sar: SubjectAccessRequest, note: str) -> SubjectAccessRequest:
    """Record that the reviewed bundle was released to the requester."""
    actor_require_writer(actor=actor)
    note = (note or "").strip()
    if not note:
        raise ServiceError("Say what was released and how (for example, \"Redacted bundle "
                           "sent by secure email\").", field="note")
    with transaction.atomic():
        sar = SubjectAccessRequest.objects.select_for_update().get(pk=sar.pk)
        policy.require_answer_subject_access(actor=actor, agency_id=sar.agency_id)
        if sar.status != SarStatus.READY:
            raise TransitionNotAllowed("Only a request whose bundle is ready can be released.")
        sar.status = SarStatus.RELEASED
        sar.released_at = timezone.now()
        sar.released_by = actor.user
        sar.release_note = note
        sar.save(update_fields=["status", "released_at", "released_by", "release_note",
                                "updated_at"])
        access_record(actor=actor, object_type="subject_access_request", object_id=sar.pk,
                      action="release", basis="subject access request")
    return sar


def sar_bundle_download_record(*, actor: Actor, sar: SubjectAccessRequest) -> None:
    access_record(actor=actor, object_type="subject_access_bundle", object_id=sar.pk,
                  action="download", basis="subject access request")
