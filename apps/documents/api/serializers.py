from __future__ import annotations

from rest_framework import serializers

from apps.cases.api.serializers import AgencyRefSerializer, display_name
from apps.cases.models import NoteVisibility
from apps.core.api.fields import CharField
from apps.documents.models import Document


class DocumentSerializer(serializers.ModelSerializer):
    agency = AgencyRefSerializer(read_only=True)
    uploaded_by = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(
        help_text="Where to download the file; null until the virus scan has passed.")

    class Meta:
        model = Document
        fields = ["id", "title", "filename", "content_type", "size", "sha256", "visibility",
                  "section", "scan_state", "scanned_at", "uploaded_by", "agency", "created_at",
                  "download_url"]
        read_only_fields = fields

    def get_uploaded_by(self, document: Document) -> str | None:
        return display_name(document.uploaded_by)

    def get_download_url(self, document: Document) -> str | None:
        if not document.servable:
            return None
        return f"/api/v1/cases/{document.case_id}/documents/{document.pk}/download/"


class DocumentUploadSerializer(serializers.Serializer):
    """multipart/form-data: ``file`` (the file), ``title``, ``visibility``."""

    file = serializers.FileField(allow_empty_file=True, use_url=False,
                                 help_text="PDF, JPEG, PNG, .docx, .odt or .txt; checked by "
                                           "content. Held until the virus scan passes.")
    title = CharField(max_length=200, label="Title")
    visibility = serializers.ChoiceField(choices=NoteVisibility.choices,
                                         default=NoteVisibility.SHARED)
