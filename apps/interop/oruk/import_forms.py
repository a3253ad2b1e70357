from __future__ import annotations

from django import forms

from apps.core.forms import Form

MAX_FILE_BYTES = 5 * 1024 * 1024


class FeedForm(Form):
    url = forms.URLField(
        label="Web address of the feed", required=False, max_length=500, assume_scheme="https",
        help_text="The address of an Open Referral UK API, for example "
                  "https://directory.example.org/api. Every page of its services is read.",
        error_messages={"invalid": "Enter a web address, like https://directory.example.org"})
    file = forms.FileField(
        label="Or upload a file", required=False,
        help_text="A JSON file of an Open Referral UK services page, list or single service.")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError("The file must be smaller than 5 MB.")
        return upload

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("url")) == bool(data.get("file")):
            self.add_error("url", "Enter the feed\u2019s web address or choose a file, "
                                  "not both.")
        return data


class ApplyForm(Form):
    overwrite_local_edits = forms.BooleanField(
        label="Replace our changes with the feed\u2019s version", required=False)
