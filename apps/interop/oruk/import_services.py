"""Writes of the ORUK import: stage a feed for review, then apply or reject each service.

Staging changes nothing in the directory. Applying creates or updates the agency's service
with the same ORUK id; a service changed here since it was last imported is only overwritten
when the admin says so explicitly (``overwrite_local_edits``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.agencies.actor import Actor, actor_require_writer
from apps.agencies.models import Agency, Role, Service
from apps.audit.services import access_record
from apps.core.exceptions import NotPermitted, ServiceError, TransitionNotAllowed
from apps.interop.models import StagedService, StagedState
from apps.interop.oruk.importer import IMPORTED_FIELDS, Feed, fingerprint

LOCAL_EDITS_MESSAGE = ("This service was changed here since it was last imported. Tick "
                       "\u201cReplace our changes with the feed\u2019s version\u201d to apply "
                       "it, or reject it to keep yours.")


@dataclass(frozen=True)
class StageResult:
    new: int
    updated: int
    unchanged: int
    local_edits: int
    problems: tuple[str, ...]


def _require_admin(*, actor: Actor | None, agency: Agency) -> None:
    actor_require_writer(actor=actor)
    if actor is not None and (actor.role != Role.AGENCY_ADMIN or actor.agency_id != agency.pk):
        raise NotPermitted("Only your agency's admins can import its services.")


def _local_fingerprint(service: Service) -> str:
    return fingerprint({name: getattr(service, name) for name in IMPORTED_FIELDS})


def _has_local_edits(service: Service | None) -> bool:
    return service is not None and _local_fingerprint(service) != service.oruk_imported_hash


def oruk_stage(*, actor: Actor | None, agency: Agency, source: str, feed: Feed) -> StageResult:
    """Stage every service of ``feed`` that differs from the agency's imported copy; an older
    pending row for the same ORUK id is superseded. ``actor`` None: the management command."""
    _require_admin(actor=actor, agency=agency)
    counts = {"new": 0, "updated": 0, "unchanged": 0, "local_edits": 0}
    with transaction.atomic():
        local = {s.oruk_id: s for s in Service.objects.select_for_update().filter(
            agency=agency, oruk_id__in=[v["oruk_id"] for v in feed.services])}
        for values in feed.services:
            oruk_id = values["oruk_id"]
            fields = {name: values[name] for name in IMPORTED_FIELDS}
            digest = fingerprint(fields)
            service = local.get(oruk_id)
            if service is not None and digest == service.oruk_imported_hash \
                    and not _has_local_edits(service):
                counts["unchanged"] += 1
                continue
            StagedService.objects.filter(agency=agency, oruk_id=oruk_id,
                                         state=StagedState.PENDING).update(
                state=StagedState.SUPERSEDED)
            edits = _has_local_edits(service)
            StagedService.objects.create(
                agency=agency, oruk_id=oruk_id, source=source[:500], values=fields,
                fingerprint=digest, remote_last_modified=values["remote_last_modified"],
                service=service, local_edits=edits,
                staged_by=actor.user if actor else None)
            counts["updated" if service else "new"] += 1
            counts["local_edits"] += int(edits)
        if actor is not None:
            access_record(actor=actor, object_type="oruk_import", object_id=agency.pk,
                          action="stage")
    return StageResult(**counts, problems=tuple(feed.problems))


def _lock_pending(*, actor: Actor | None, staged: StagedService) -> StagedService:
    locked = StagedService.objects.select_for_update().select_related("agency").get(
        pk=staged.pk)
    _require_admin(actor=actor, agency=locked.agency)
    if locked.state != StagedState.PENDING:
        state = locked.get_state_display().lower()
        raise TransitionNotAllowed(f"This import was already {state}.")
    return locked


def oruk_apply(*, actor: Actor | None, staged: StagedService,
               overwrite_local_edits: bool = False) -> Service:
    """Create or update the agency's service from the staged row. A new service is listed in
    the directory but not published in ORUK until its admin chooses to."""
    actor_require_writer(actor=actor)
    try:
        with transaction.atomic():
            staged = _lock_pending(actor=actor, staged=staged)
            service = (Service.objects.select_for_update()
                       .filter(agency=staged.agency, oruk_id=staged.oruk_id).first())
            if _has_local_edits(service) and not overwrite_local_edits:
                raise ServiceError(LOCAL_EDITS_MESSAGE, field="overwrite_local_edits")
            now = timezone.now()
            if service is None:
                service = Service(agency=staged.agency, oruk_id=staged.oruk_id)
            capacity = ("accepting_referrals", "capacity_note")
            if service.pk is None or any(getattr(service, name) != staged.values[name]
                                         for name in capacity):
                service.capacity_updated_at = now
            for name in IMPORTED_FIELDS:
                setattr(service, name, staged.values[name])
            service.oruk_imported_hash = staged.fingerprint
            service.save()
            staged.state, staged.service = StagedState.APPLIED, service
            staged.decided_by, staged.decided_at = (actor.user if actor else None), now
            staged.save(update_fields=["state", "service", "decided_by", "decided_at",
                                       "updated_at"])
            if actor is not None:
                access_record(actor=actor, object_type="service", object_id=service.pk,
                              action="import")
    except IntegrityError as exc:
        raise ServiceError("Your agency already has another service with that name: rename "
                           "it first, or reject this one.") from exc
    return service


def oruk_reject(*, actor: Actor | None, staged: StagedService) -> StagedService:
    actor_require_writer(actor=actor)
    with transaction.atomic():
        staged = _lock_pending(actor=actor, staged=staged)
        staged.state = StagedState.REJECTED
        staged.decided_by = actor.user if actor else None
        staged.decided_at = timezone.now()
        staged.save(update_fields=["state", "decided_by", "decided_at", "updated_at"])
        if actor is not None:
            access_record(actor=actor, object_type="oruk_import", object_id=staged.pk,
                          action="reject")
    return staged
