"""What every import page shares: the upload's size check, and the files of a session that
wait between the preview and the confirmation (tied to the session that uploaded them, so one
user can never confirm another's file)."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from communities.importing import messages as msg


class ImportFileSizeMixin:
    """For an import form's ``import_file``: Django does not cap the size of an uploaded file
    (``DATA_UPLOAD_MAX_MEMORY_SIZE`` ignores file parts), so the form does."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.IMPORT_MAX_FILE_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                msg.MSG_FILE_TOO_LARGE.format(limit=filesizeformat(limit)), code="too_large"
            )
        return upload


@dataclass(frozen=True)
class WaitingImports:
    """The uploaded files a session previewed and may still confirm (the newest few)."""

    session_key: str
    keep: int = 10

    def names(self, request) -> list[str]:
        return list(request.session.get(self.session_key, []))

    def remember(self, request, name: str) -> None:
        request.session[self.session_key] = [*self.names(request), name][-self.keep :]

    def forget(self, request, name: str) -> None:
        request.session[self.session_key] = [n for n in self.names(request) if n != name]
