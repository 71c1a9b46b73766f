"""Pixel bombs (issue 10): an image declaring more than ``UPLOAD_MAX_IMAGE_PIXELS`` pixels is
refused from its header, before anything decodes it, by every upload (evidence, hazard photos);
nothing is stored. A stored bomb gets no thumbnail instead of taking the memory."""

import datetime
import struct
import zlib

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from communities.uploads import check_upload, image_too_large_message, make_thumbnail
from inspections import services
from inspections.models import Evidence, Hazard

from .conftest import PERIOD, png_bytes

HTMX = {"HTTP_HX_REQUEST": "true"}
# Pillow warns on opening an image between its limit and twice it; our check then refuses it.
pytestmark = pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A PNG of a few hundred bytes whose header declares ``width``×``height`` 1-bit pixels
    (written by hand: nothing this size is ever held in memory)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (1 + (width + 7) // 8) * 4)  # the first rows only
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


def bomb(name="photo.png", size=(13000, 13000)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_declaring(*size), content_type="image/png")


def shown_refusal() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return image_too_large_message()


def stored_files(media_root) -> list:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def test_the_setting_is_pillow_s_limit_and_the_test_file_is_small():
    assert settings.UPLOAD_MAX_IMAGE_PIXELS == 50_000_000
    assert Image.MAX_IMAGE_PIXELS == settings.UPLOAD_MAX_IMAGE_PIXELS
    assert len(png_declaring(13000, 13000)) < 20_000


def test_the_refusal_names_the_limit_in_chinese():
    with translation.override("zh-hans"):
        text = image_too_large_message()
    assert "50" in text and "像素" in text


# Over twice Pillow's limit (Pillow refuses to open it) and between once and twice (our check).
@pytest.mark.parametrize("size", [(13000, 13000), (9000, 9000)], ids=["169MP", "81MP"])
def test_a_pixel_bomb_is_refused_by_the_evidence_upload(client, city, media_root, size):
    check = services.inspection_open(compound=city.compounds["A1"], period=PERIOD, actor=None)
    answer = check.answers.get(item__code="SY-1")
    client.force_login(city.manager_a)
    response = client.post(
        reverse("inspections:evidence_add", args=[answer.pk]),
        {f"e{answer.pk}-file": bomb(size=size)},
        **HTMX,
    )
    assert response.status_code == 200
    assert shown_refusal() in response.content.decode()
    assert not Evidence.objects.exists()
    assert stored_files(media_root) == []
    # a normal photo is still taken, with its thumbnail
    client.post(
        reverse("inspections:evidence_add", args=[answer.pk]),
        {f"e{answer.pk}-file": SimpleUploadedFile("p.png", png_bytes(size=(4000, 3000)))},
        **HTMX,
    )
    assert Evidence.objects.get().thumbnail
    assert len(stored_files(media_root)) == 2


@pytest.mark.parametrize("size", [(13000, 13000), (9000, 9000)], ids=["169MP", "81MP"])
def test_a_pixel_bomb_is_refused_as_a_hazard_photo(client, city, media_root, size):
    client.force_login(city.street)
    form = {
        "compound": city.compounds["A1"].pk,
        "category": "fire",
        "severity": "high",
        "description": "楼道堆放电动车电池",
        "responsible_party": "",
        "deadline": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
    }
    response = client.post(reverse("inspections:hazard_new"), {**form, "photo": bomb(size=size)})
    assert response.status_code == 200
    assert response.context["form"].errors["photo"] == [image_too_large_message()]
    assert shown_refusal() in response.content.decode()
    assert not Hazard.objects.exists()
    assert stored_files(media_root) == []
    photo = SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")
    response = client.post(reverse("inspections:hazard_new"), {**form, "photo": photo})
    assert response.status_code == 302
    assert Hazard.objects.get().photo


def test_a_bomb_passed_to_the_service_directly_stores_nothing(city, media_root):
    check = services.inspection_open(compound=city.compounds["A1"], period=PERIOD, actor=None)
    answer = check.answers.get(item__code="SY-1")
    from communities.workflow import WorkflowError

    with pytest.raises(WorkflowError) as refused:
        services.evidence_add(
            answer=answer, actor=city.manager_a, upload=bomb(), content_type="image/png"
        )
    assert refused.value.message == image_too_large_message()
    assert not Evidence.objects.exists()
    assert stored_files(media_root) == []


def test_the_check_reads_only_the_header(settings):
    """A limit of 100 pixels refuses an 11×10 image from its size alone."""
    settings.UPLOAD_MAX_IMAGE_PIXELS = 100
    with pytest.raises(Exception) as refused:
        check_upload(SimpleUploadedFile("p.png", png_bytes(size=(11, 10))))
    assert refused.value.messages == [image_too_large_message()]
    assert check_upload(SimpleUploadedFile("p.png", png_bytes(size=(10, 10)))) == "image/png"


@pytest.mark.parametrize("size", [(13000, 13000), (9000, 9000)], ids=["169MP", "81MP"])
def test_a_stored_bomb_gets_no_thumbnail_instead_of_a_crash(size):
    assert make_thumbnail(ContentFile(png_declaring(*size)), "image/png") is None
    assert make_thumbnail(ContentFile(png_bytes()), "image/png") is not None
