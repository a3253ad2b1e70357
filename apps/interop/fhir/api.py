"""FHIR R4 JSON under ``/api/fhir/``: the REST API's authentication, throttles, selectors,
services and audit, spoken as ``application/fhir+json``. Errors are ``OperationOutcome``s.

* ``GET  metadata``                    CapabilityStatement
* ``GET  ServiceRequest/{id}``         a referral (read audited like the REST detail)
* ``POST ServiceRequest``              a draft referral, through ``referral_create``
* ``GET  Task/{id}``, ``GET Task?focus=ServiceRequest/{id}``   its decision history
* ``GET  Consent/{id}``                a sharing basis, or a consent record
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.audit.services import access_record
from apps.core.api.actor import actor_or_404
from apps.core.api.parsers import SafeJSONParser
from apps.core.api.schema import WraparoundAutoSchema
from apps.core.exceptions import NotPermitted, ServiceError, TransitionNotAllowed
from apps.interop.fhir import capability, intake, mapping, selectors
from apps.referrals import services as referral_services
from apps.referrals.selectors import referral_events, referral_get

FHIR_JSON = "application/fhir+json"


class FhirRenderer(JSONRenderer):
    media_type = FHIR_JSON
    format = "fhir"
    charset = "utf-8"


class FhirJSONRenderer(JSONRenderer):
    """Plain ``application/json`` for clients that ask for it (FHIR allows both)."""


class FhirParser(SafeJSONParser):
    media_type = FHIR_JSON


def outcome(status_code: int, code: str, message: str, expression: str | None = None) -> Response:
    return Response(mapping.operation_outcome(code=code, message=message,
                                              expression=expression), status=status_code)


class NotInOpenApi(WraparoundAutoSchema):
    """FHIR describes itself (``GET metadata``): the OpenAPI schema covers /api/v1/ only."""

    def is_excluded(self) -> bool:
        return True


class FhirView(APIView):
    renderer_classes = [FhirRenderer, FhirJSONRenderer]
    parser_classes = [FhirParser, SafeJSONParser]
    schema = NotInOpenApi()

    def handle_exception(self, exc: Exception) -> Response:
        """Every refusal as an OperationOutcome, with the REST API's status codes."""
        if isinstance(exc, Http404):
            return outcome(404, "not-found", "Not found.")
        if isinstance(exc, TransitionNotAllowed):
            return outcome(409, "conflict", exc.message)
        if isinstance(exc, NotPermitted):
            return outcome(403, "forbidden", exc.message)
        if isinstance(exc, ServiceError):
            return outcome(400, "invalid", exc.message, exc.field or None)
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            response = outcome(401, "login", str(exc.detail))
            if (header := self.get_authenticate_header(self.request)):
                response["WWW-Authenticate"] = header
            return response
        if isinstance(exc, exceptions.Throttled):
            response = outcome(429, "throttled", str(exc.detail))
            if exc.wait is not None:
                response["Retry-After"] = str(int(exc.wait) + 1)
            return response
        if isinstance(exc, exceptions.NotAcceptable):
            return outcome(406, "not-supported", "Ask for application/fhir+json.")
        if isinstance(exc, exceptions.UnsupportedMediaType):
            return outcome(415, "not-supported", "Send application/fhir+json.")
        if isinstance(exc, exceptions.APIException):
            return outcome(exc.status_code, "invalid" if exc.status_code == 400 else
                           "processing", str(exc.detail))
        return super().handle_exception(exc)

    def finalize_response(self, request: Request, response: Response, *args: Any,
                          **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400 and not getattr(response, "accepted_renderer", None):
            response.accepted_renderer = FhirRenderer()
            response.accepted_media_type = FHIR_JSON
            response.renderer_context = self.get_renderer_context()
        return response


class MetadataView(FhirView):
    permission_classes: list = []
    authentication_classes: list = []

    def get(self, request: Request) -> Response:
        return Response(capability.statement(base=request.build_absolute_uri("/api/fhir")))


class ServiceRequestView(FhirView):
    def get(self, request: Request, pk: str) -> Response:
        actor = actor_or_404(request)
        referral = referral_services.referral_open(
            actor=actor, referral=referral_get(actor=actor, referral_id=pk))
        return Response(mapping.service_request(referral))


class ServiceRequestCreateView(FhirView):
    def post(self, request: Request) -> Response:
        actor = actor_or_404(request)
        draft = intake.read_service_request(actor=actor, body=request.data)
        referral = referral_services.referral_create(
            actor=actor, case=draft.case, to_service=draft.service, reason=draft.reason,
            urgency=draft.urgency, shared_information=draft.shared_information)
        fresh = referral_get(actor=actor, referral_id=referral.pk)
        response = Response(mapping.service_request(fresh), status=status.HTTP_201_CREATED)
        response["Location"] = f"/api/fhir/ServiceRequest/{referral.pk}"
        return response


class TaskView(FhirView):
    def get(self, request: Request, pk: str) -> Response:
        actor = actor_or_404(request)
        referral = referral_services.referral_open(
            actor=actor, referral=referral_get(actor=actor, referral_id=pk))
        return Response(mapping.task(referral, list(referral_events(referral=referral))))


class TaskSearchView(FhirView):
    def get(self, request: Request) -> Response:
        """``focus=ServiceRequest/{id}``: a searchset Bundle with that referral's Task."""
        actor = actor_or_404(request)
        focus = request.query_params.get("focus", "")
        prefix = "ServiceRequest/"
        if not focus.startswith(prefix):
            return outcome(400, "invalid", "Search Task by focus=ServiceRequest/{id}.",
                           "focus")
        try:
            referral = referral_get(actor=actor, referral_id=focus[len(prefix):])
        except Http404:
            entries: list[dict[str, Any]] = []
        else:
            referral = referral_services.referral_open(actor=actor, referral=referral)
            resource = mapping.task(referral, list(referral_events(referral=referral)))
            entries = [{"fullUrl": request.build_absolute_uri(f"/api/fhir/Task/{referral.pk}"),
                        "resource": resource, "search": {"mode": "match"}}]
        return Response({"resourceType": "Bundle", "type": "searchset",
                         "total": len(entries), "entry": entries} if entries else
                        {"resourceType": "Bundle", "type": "searchset", "total": 0})


class ConsentView(FhirView):
    def get(self, request: Request, pk: str) -> Response:
        actor = actor_or_404(request)
        try:
            basis, referral = selectors.sharing_basis_get(actor=actor, basis_id=pk)
        except Http404:
            record = selectors.consent_record_get(actor=actor, consent_id=pk)
            access_record(actor=actor, object_type="consent", object_id=record.pk,
                          action="view")
            return Response(mapping.consent_from_record(record))
        person = referral.case.subject if referral else (
            basis.consent.person if basis.consent_id else None)
        recipients = [referral.to_agency] if referral else []
        access_record(actor=actor, object_type="sharing_basis", object_id=basis.pk,
                      case_id=referral.case_id if referral else None, action="view",
                      basis=basis.summary)
        return Response(mapping.consent_from_basis(basis, person=person,
                                                   recipients=recipients))
