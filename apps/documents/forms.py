from __future__ import annotations

from django import forms

from apps.cases.models import NoteVisibility
from apps.core.forms import Form
from apps.documents.checks import ALLOWED_WORDS, human_size, max_bytes


class DocumentForm(Form):
    title = forms.CharField(label="What is this document?", max_length=200,
                            help_text="For example, \"Signed consent form\" or \"GP letter\".",
                            error_messages={"required": "Enter what the document is.",
                                            "max_length": "Title must be 200 characters or "
                                                          "fewer."})
    file = forms.FileField(label="Choose the file", allow_empty_file=True,
                           error_messages={"required": "Choose a file to upload.",
                                           "empty": "The file is empty."})
    visibility = forms.ChoiceField(label="Who can see this document", widget=forms.RadioSelect,
                                   choices=NoteVisibility.choices,
                                   initial=NoteVisibility.SHARED)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (f"A {ALLOWED_WORDS}, {human_size(max_bytes())} at "
                                         "most. It can be opened once a virus scan has passed.")
