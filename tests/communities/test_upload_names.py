"""Every upload is stored under a name made from its content (communities.uploads.store_upload):
the uploader's file name never reaches the disk, and a file we do not take stores nothing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from communities.uploads import dated_upload_name, store_upload
from communities.workflow import WorkflowError
from disputes.models import DisputeCase
from inspections import services as inspections
from inspections.models import ChecklistTemplate, Evidence, Hazard
from tests.inspections.conftest import png_bytes

HOSTILE = "../../报告 <script>.php"


def upload(content: bytes, name: str = HOSTILE) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_the_suffix_comes_from_the_content_and_the_name_is_random():
    name = dated_upload_name("inspections/evidence", "photo.php", datetime.date(2026, 3, 9))
    assert name.startswith("inspections/evidence/2026/03/") and not name.endswith(".php")
    assert dated_upload_name("x", "evidence.pdf").endswith(".pdf")
    assert dated_upload_name("x", "a.png") != dated_upload_name("x", "a.png")


def test_evidence_and_hazard_photos_are_named_by_content(city, media_root):
    check = inspections.inspection_open(
        compound=city.compounds["A1"],
        period=timezone.localdate().replace(day=1),
        actor=city.manager_a,
    )
    assert ChecklistTemplate.objects.current() == check.template
    answer = check.answers.first()
    inspections.evidence_add(
        answer=answer, actor=city.manager_a, upload=upload(png_bytes()), content_type="image/png"
    )
    evidence = Evidence.objects.get()
    assert evidence.file.name.endswith(".png") and "php" not in evidence.file.name
    assert evidence.thumbnail.name.endswith(".jpg") and "script" not in evidence.thumbnail.name
    assert evidence.original_name == "报告 <script>.php"  # shown to people, never a path
    hazard = inspections.hazard_raise(
        compound=city.compounds["A1"],
        actor=city.street,
        category="fire",
        description="楼道堆物",
        responsible_party="甲物业公司",
        deadline=timezone.localdate() + datetime.timedelta(days=7),
        photo=upload(png_bytes()),
    )
    assert Hazard.objects.get(pk=hazard.pk).photo.name.endswith(".png")
    stored = sorted(p.name for p in media_root.rglob("*") if p.is_file())
    assert len(stored) == 3 and not any("php" in name or "报告" in name for name in stored)


def test_a_file_of_another_type_is_refused_and_nothing_is_stored(media_root):
    case = DisputeCase()
    with pytest.raises(WorkflowError):
        store_upload(case.agreement_file, upload(b"MZ\x90\x00 not a pdf"), stem="agreement")
    assert not case.agreement_file
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))
