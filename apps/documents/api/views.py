from __future__ import annotations

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from apps.agencies.actor import Actor
from apps.audit.services import access_record
from apps.cases import policy
from apps.cases.api.views import CASE_ID, CaseChildMixin
from apps.core.api.parsers import SafeJSONParser
from apps.core.api.viewsets import ScopedGenericViewSet
from apps.documents import selectors, services
from apps.documents.api.serializers import DocumentSerializer, DocumentUploadSerializer
from apps.documents.middleware import raw_file_name
from apps.documents.views import attachment_response


@extend_schema(parameters=[CASE_ID])
class DocumentViewSet(CaseChildMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      ScopedGenericViewSet):
    """Documents on the case: chronology entries with a file. 404 when the chronology section
    is not shared with the acting agency. A new document is held until its virus scan passes;
    nothing unscanned is ever served."""

    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser, FormParser, SafeJSONParser]

    def selector_queryset(self, actor: Actor | None) -> QuerySet:
        if not policy.may_see_documents(actor=actor, case=self.case):
            raise Http404("No such case")
        return selectors.document_list(actor=actor, case=self.case)

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        response = super().list(request, *args, **kwargs)
        access_record(actor=self.actor, object_type="case_documents", object_id=self.case.pk,
                      case_id=self.case.pk, action="view")
        return response

    @extend_schema(request={"multipart/form-data": DocumentUploadSerializer},
                   responses={201: DocumentSerializer})
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        case = self.case
        self.get_queryset()  # 404 before any write when the chronology is not shared
        incoming = DocumentUploadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = incoming.validated_data
        upload = values["file"]
        document = services.document_upload(
            actor=self.require_actor(), case=case, upload=upload, filename=raw_file_name(upload),
            title=values["title"], visibility=values["visibility"])
        fresh = self.get_queryset().get(pk=document.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(
        OpenApiTypes.BINARY, description="The file, as an attachment.")})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, *args: object, **kwargs: object) -> FileResponse:
        """The file, once scanned clean (404 before); audited like a read."""
        document = selectors.document_get_servable(actor=self.actor, case=self.case,
                                                   document_id=kwargs["pk"])
        services.document_download_record(actor=self.actor, document=document)
        return attachment_response(document)
