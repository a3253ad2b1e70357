"""Reads of documents, scoped like the chronology (apps.cases.policy decides)."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from apps.agencies.actor import Actor
from apps.cases import policy
from apps.cases.models import Case, NoteVisibility
from apps.cases.sections import Visible
from apps.documents.models import Document, ScanState


def document_list(*, actor: Actor | None, case: Case,
                  visible: Visible | None = None) -> QuerySet[Document]:
    """The case's documents the actor may see: none unless the chronology section is shared;
    then shared ones that passed the scan, and all of the actor's agency's own (held and
    quarantined ones too, so that the uploader sees what became of their file). ``visible``:
    the actor's sections when the caller has read them already (the case page)."""
    if actor is None or not policy.may_see_documents(actor=actor, case=case, visible=visible):
        return Document.objects.none()
    return (Document.objects.filter(case=case)
            .filter(Q(visibility=NoteVisibility.SHARED, scan_state=ScanState.CLEAN)
                    | Q(agency_id=actor.agency_id))
            .select_related("uploaded_by", "agency")
            .order_by("-created_at", "-id"))


def document_get(*, actor: Actor | None, case: Case, document_id: UUID | str) -> Document:
    try:
        return document_list(actor=actor, case=case).get(pk=document_id)
    except (Document.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such document") from exc


def document_get_servable(*, actor: Actor | None, case: Case,
                          document_id: UUID | str) -> Document:
    """A document the actor may download: visible and scanned clean (nothing unscanned or
    quarantined is ever served: 404)."""
    document = document_get(actor=actor, case=case, document_id=document_id)
    if not document.servable:
        raise Http404("No such document")
    return document
