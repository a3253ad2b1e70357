"""The OpenAPI schema says what the API really does (checked by schemathesis in the tests).

``WraparoundAutoSchema`` (``DEFAULT_SCHEMA_CLASS``) adds, to every operation, the error
answers any call may get, with their body: 400 (invalid input, bad query parameter or JSON),
401 (no or bad token), 403 (refused), 404 (no such object, or one the caller may not see),
409 (refused in the object's state; unsafe methods), 415 (not JSON; operations with a body) and
429 (throttled). Views keep their own declarations where they give one.

It also declares what read-only model fields really answer: ``""`` for a choice field with
``blank=True`` (e.g. ``consent_given_by``, ``risk_confirmed``), which the enum alone would
call invalid, and ``null`` for a nullable column (e.g. a sharing basis's ``consent``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers
from rest_framework.permissions import AllowAny

DETAIL_ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "A message safe to show."}},
    "required": ["detail"],
}
INPUT_ERROR = {
    "type": "object",
    "description": "Either {\"detail\": \"…\"} or field errors: each invalid field with a "
                   "list of messages, e.g. {\"text\": [\"Text must be 10,000 characters or "
                   "fewer\"]} (nested for nested fields).",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
CONFLICT_ERROR = {
    "type": "object",
    "description": "{\"detail\": \"…\"}; a possible duplicate also lists possible_matches.",
    "properties": {"detail": {"type": "string"},
                   "possible_matches": {"type": "array", "items": {"type": "string"}}},
    "required": ["detail"],
}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
ERRORS = {
    "400": ("InputError", INPUT_ERROR, "Invalid input: field errors, a bad query parameter, "
                                      "malformed or too large or too deep JSON, or a NUL "
                                      "character."),
    "401": ("Error", DETAIL_ERROR, "No token, or a wrong, revoked or ended one."),
    "403": ("Error", DETAIL_ERROR, "Refused: the caller may see the object but not make this "
                                   "change, or acts for no agency."),
    "404": ("Error", DETAIL_ERROR, "No such object, or one the caller's agency may not see "
                                   "(the two are indistinguishable on purpose)."),
    "409": ("ConflictError", CONFLICT_ERROR, "The change is refused in the object's current "
                                             "state, or the record may be a duplicate."),
    "415": ("Error", DETAIL_ERROR, "The body is not JSON (send Content-Type: "
                                   "application/json)."),
    "429": ("Error", DETAIL_ERROR, "Too many requests: wait for the seconds in Retry-After."),
}


def _model_field(field: serializers.Field) -> Any:
    parent = getattr(field, "parent", None)
    model = getattr(getattr(parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source or field.source == "*":
        return None
    try:
        model_field = model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return None
    return model_field if getattr(model_field, "concrete", False) else None


class WraparoundAutoSchema(AutoSchema):
    def _error_codes(self) -> list[str]:
        codes = ["400", "404", "429"]
        public = any(issubclass(p, AllowAny) for p in getattr(self.view, "permission_classes",
                                                               ()))
        if not public:
            codes += ["401", "403"]
        if self.method in UNSAFE:
            codes.append("409")
            if self.method != "DELETE":
                codes.append("415")
        return sorted(codes)

    def _error_response(self, code: str) -> dict:
        name, schema, description = ERRORS[code]
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name,
                                      schema=schema)
        self.registry.register_on_missing(component)
        headers = {}
        if code == "429":
            headers = {"headers": {"Retry-After": {
                "schema": {"type": "integer"},
                "description": "Seconds to wait before calling again."}}}
        return {**headers, "description": description,
                "content": {"application/json": {"schema": component.ref}}}

    def _get_response_bodies(self, direction: str = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            responses.setdefault(code, self._error_response(code))
        return responses

    def _map_serializer_field(self, field: Any, direction: str,
                              bypass_extensions: bool = False) -> dict:
        if field.read_only and not field.allow_null:
            model_field = _model_field(field)
            if model_field is not None:
                # DRF drops blank/null from read-only model fields; the answers still have them
                field.allow_null = bool(model_field.null)
                if isinstance(field, serializers.ChoiceField) and not field.allow_blank:
                    field.allow_blank = bool(model_field.blank)
        return super()._map_serializer_field(field, direction, bypass_extensions)
