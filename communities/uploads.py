"""Uploads (evidence, photos, agreements): images and PDF only, size-limited, checked by content."""

import datetime
import hashlib
import io
import uuid
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.workflow import WorkflowError

MSG_FILE_TYPE = _("Only photos (JPEG, PNG, WebP) and PDF files can be uploaded.")
MSG_FILE_SIZE = _("The file is larger than {limit}.")
MSG_FILE_BROKEN = _("The file could not be read as an image.")
MSG_IMAGE_TOO_LARGE = _(
    "The image has more than {limit} million pixels and cannot be uploaded; send a smaller photo."
)

# Magic numbers: the file's content decides its type, never its name.
_SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
]
THUMBNAIL_SIZE = (320, 320)


def sniff_content_type(upload) -> str | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def set_pillow_pixel_limit() -> None:
    """Pillow refuses (``DecompressionBombError``) to open an image of more than twice
    ``UPLOAD_MAX_IMAGE_PIXELS`` wherever it is opened (called at startup)."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = settings.UPLOAD_MAX_IMAGE_PIXELS


def _too_many_pixels(width: int, height: int) -> bool:
    return width * height > settings.UPLOAD_MAX_IMAGE_PIXELS


def image_too_large_message() -> str:
    return MSG_IMAGE_TOO_LARGE.format(limit=f"{settings.UPLOAD_MAX_IMAGE_PIXELS / 1e6:g}")


def check_image_pixels(upload) -> None:
    """Refuse an image declaring more than ``UPLOAD_MAX_IMAGE_PIXELS`` pixels, from its header
    alone (``Image.open`` reads the size; nothing is decoded). Raises a ValidationError."""
    from PIL import Image

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            width, height = image.size
    except Image.DecompressionBombError:  # over twice Pillow's limit: refused by Pillow itself
        raise forms.ValidationError(image_too_large_message()) from None
    except Exception:
        raise forms.ValidationError(MSG_FILE_BROKEN) from None
    finally:
        upload.seek(0)
    if _too_many_pixels(width, height):
        raise forms.ValidationError(image_too_large_message())


def check_upload(upload) -> str:
    """Return the upload's real content type, or raise a ValidationError saying what is wrong."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise forms.ValidationError(MSG_FILE_SIZE.format(limit=filesizeformat(limit)))
    content_type = sniff_content_type(upload)
    if content_type is None:
        raise forms.ValidationError(MSG_FILE_TYPE)
    if content_type.startswith("image/"):
        from PIL import Image

        check_image_pixels(upload)  # before verify(), which may decompress
        try:
            with Image.open(upload) as image:
                image.verify()
        except Exception:
            raise forms.ValidationError(MSG_FILE_BROKEN) from None
        finally:
            upload.seek(0)
    return content_type


def make_thumbnail(field_file, content_type: str) -> ContentFile | None:
    """A small JPEG of an image (None for a PDF)."""
    if not content_type.startswith("image/"):
        return None
    from PIL import Image, ImageOps

    field_file.seek(0)
    try:
        with Image.open(field_file) as image:
            if _too_many_pixels(*image.size):
                return None  # never decoded: a stored bomb gets no thumbnail, the page still shows
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail(THUMBNAIL_SIZE)
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=80)
    except Image.DecompressionBombError:
        return None
    finally:
        field_file.seek(0)
    return ContentFile(out.getvalue())


class UploadField(forms.FileField):
    """A file field that accepts only what ``check_upload`` accepts."""

    def clean(self, data, initial=None):
        data = super().clean(data, initial)
        if data:
            data.checked_content_type = check_upload(data)
        return data


# The file suffix for each type we accept: a stored or served file is named by its content.
SUFFIX_BY_TYPE = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
}


def store_upload(field_file, upload, *, stem: str) -> str:
    """Save an upload into a file field under a name made from its content: ``<stem>`` and the
    suffix of its real type (the uploader's file name never reaches the disk). Returns the
    content type; a type we do not take is refused and nothing is stored."""
    content_type = sniff_content_type(upload)
    suffix = SUFFIX_BY_TYPE.get(content_type)
    if suffix is None:
        raise WorkflowError(MSG_FILE_TYPE)
    if content_type.startswith("image/"):
        try:
            check_image_pixels(upload)  # also for a caller that skipped the form's check
        except forms.ValidationError as refused:
            raise WorkflowError(refused.messages[0]) from None
    field_file.save(f"{stem}{suffix}", upload, save=False)
    return content_type


def dated_upload_name(folder: str, filename: str, day: datetime.date | None = None) -> str:
    """Where every upload is stored (the models' ``upload_to``): ``<folder>/<yyyy>/<mm>/`` and a
    random name with the suffix ``store_upload`` chose from the content."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in SUFFIX_BY_TYPE.values():
        suffix = ""
    return f"{folder}/{day or timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def private_file_response(
    field_file,
    *,
    allow_prefix: str = "",
    filename_stem: str = "",
    attachment_types=("application/pdf",),
    written_as: tuple[str, str] | None = None,
):
    """Serve an upload after the caller's scope check (never from a public media URL).

    The type comes from the file's content; a missing file, or a type not starting with
    ``allow_prefix``, is a 404. A PDF downloads, an image shows inline; with a
    ``filename_stem`` the download is named ``<stem><suffix of its real type>``.

    A file the site wrote itself (an export) is not sniffed: ``written_as`` gives its
    ``(content type, filename)`` and it always downloads.
    """
    if not field_file:
        raise Http404
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    if written_as is not None:
        content_type, filename = written_as
        attachment_types = (content_type,)
    else:
        content_type = sniff_content_type(handle)
        if content_type is None or not content_type.startswith(allow_prefix):
            handle.close()
            raise Http404
        filename = f"{filename_stem}{SUFFIX_BY_TYPE[content_type]}" if filename_stem else None
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=content_type in attachment_types,
        filename=filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Every stored file (an export, a photo, an agreement) is one organisation's and may show
    # people: never kept in a browser's or a proxy's cache.
    response["Cache-Control"] = "private, no-store"
    return response


def file_sha256(path) -> str:
    """The SHA-256 of a file on disk, read in blocks (an export's file, an import's upload)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()
