"""Macro workbooks (issue 10): an .xlsm, also renamed .xlsx, is refused by every import (the
register's admin import and the disputes ledger) whether it shows as a ``vbaProject.bin`` part
or as a macro content type; nothing is imported and the upload is not kept."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communities import models as m
from communities.importing import messages as msg
from disputes.models import DisputeCase
from tests.communities.test_import_files import STREET_HEADERS, xlsx
from tests.disputes.test_import import ledger, row

MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


@pytest.fixture(autouse=True)
def tmp_dir(settings, tmp_path):
    settings.IMPORT_TMP_DIR = str(tmp_path / "imports")
    return tmp_path / "imports"


def rezip(content: bytes, *, add: dict | None = None, content_type: str | None = None) -> bytes:
    """The workbook again, with parts added and/or the workbook's content type replaced."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item)
            if content_type and item.filename == "[Content_Types].xml":
                assert XLSX_MAIN.encode() in data
                data = data.replace(XLSX_MAIN.encode(), content_type.encode())
            target.writestr(item, data)
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def with_vba(content: bytes) -> bytes:
    """Appended to the zip as it is (the way a hand-made .xlsm is), nothing else changed."""
    stream = io.BytesIO(content)
    with zipfile.ZipFile(stream, "a") as package:
        package.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 Attribute VB_Name")
    return stream.getvalue()


def macro_variants(content: bytes) -> list[bytes]:
    return [
        with_vba(content),
        rezip(content, add={"XL/Media/VBAPROJECT.BIN": b"vba"}),  # any folder, any case
        rezip(content, content_type=MACRO_MAIN),
        rezip(content, add={"[Content_Types].xml.bak": b""}, content_type=MACRO_MAIN.upper()),
    ]


IDS = ["vbaProject.bin", "any-folder-and-case", "macro-content-type", "upper-case-type"]


@pytest.mark.parametrize("variant", range(4), ids=IDS)
def test_the_register_import_refuses_a_macro_workbook(client, city, tmp_dir, variant):
    client.force_login(city.bureau)
    good = xlsx(STREET_HEADERS, [["110105003", "新华街道", "110105"]])
    content = macro_variants(good)[variant]

    response = client.post(
        reverse("admin:communities_street_import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("s.xlsx", content)},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["import_file"] == [str(msg.MSG_MACROS)]
    assert not m.Street.objects.filter(code="110105003").exists()
    assert not tmp_dir.exists() or list(tmp_dir.iterdir()) == []


def test_the_register_import_still_takes_a_normal_workbook(client, city, tmp_dir):
    client.force_login(city.bureau)
    content = xlsx(STREET_HEADERS, [["110105003", "新华街道", "110105"]])
    preview = client.post(
        reverse("admin:communities_street_import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("s.xlsx", content)},
    )
    assert "confirm_form" in preview.context
    client.post(
        reverse("admin:communities_street_process_import"), preview.context["confirm_form"].initial
    )
    assert m.Street.objects.filter(code="110105003").exists()


@pytest.mark.parametrize("variant", range(4), ids=IDS)
def test_the_disputes_ledger_import_refuses_a_macro_workbook(client, city, tmp_dir, variant):
    client.force_login(city.street)
    content = macro_variants(ledger([row("A1")]))[variant]

    response = client.post(
        reverse("admin:disputes_disputecase_import"),
        {"import_file": SimpleUploadedFile("ledger.xlsx", content)},
    )

    assert response.status_code == 200
    assert response.context.get("errors") == [str(msg.MSG_MACROS)]
    assert not DisputeCase.objects.exists()
    assert not tmp_dir.exists() or list(tmp_dir.iterdir()) == []


def test_the_disputes_ledger_import_still_takes_a_normal_workbook(client, city, tmp_dir):
    client.force_login(city.street)
    preview = client.post(
        reverse("admin:disputes_disputecase_import"),
        {"import_file": SimpleUploadedFile("ledger.xlsx", ledger([row("A1")]))},
    )
    assert not preview.context.get("errors")
    done = client.post(
        reverse("admin:disputes_disputecase_import_confirm"),
        {"import_file_name": preview.context["import_file_name"]},
    )
    assert done.status_code == 302
    assert DisputeCase.objects.count() == 1


def test_the_refusal_is_in_chinese():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert "宏" in str(msg.MSG_MACROS)
