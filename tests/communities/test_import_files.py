"""Hostile and odd files: too big, too many rows, not what they claim, zip bombs, GBK CSV; and
the waiting files between preview and confirmation."""

import io
import os
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from openpyxl import Workbook

from communities import models as m
from communities.importing import messages as msg

XLSX, CSV = "0", "1"
STREET_HEADERS = ["街道代码", "名称", "区县代码"]


@pytest.fixture(autouse=True)
def tmp_dir(settings, tmp_path):
    settings.IMPORT_TMP_DIR = str(tmp_path / "imports")
    return tmp_path / "imports"


def xlsx(headers, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def upload(client, content: bytes, fmt: str = XLSX, name: str = "streets.xlsx"):
    return client.post(
        reverse("admin:communities_street_import"),
        {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, content)},
    )


def file_errors(response) -> list[str]:
    return response.context["form"].errors.get("import_file", [])


@pytest.fixture
def bureau(city, client):
    client.force_login(city.bureau)
    return client


def test_a_file_over_the_size_limit_is_refused(bureau, settings):
    settings.IMPORT_MAX_FILE_BYTES = 1000
    content = xlsx(STREET_HEADERS, [["110105003", "新华街道", "110105"]])
    assert len(content) > 1000

    response = upload(bureau, content)

    assert file_errors(response) == [msg.MSG_FILE_TOO_LARGE.format(limit=filesizeformat(1000))]


def test_a_file_with_too_many_rows_is_refused(bureau, settings):
    settings.IMPORT_MAX_ROWS = 2
    rows = [[f"11010500{i}", f"街道{i}", "110105"] for i in (3, 4, 5)]

    response = upload(bureau, xlsx(STREET_HEADERS, rows))

    assert file_errors(response) == [msg.MSG_TOO_MANY_ROWS.format(limit=2)]
    assert "confirm_form" not in response.context


def test_trailing_blank_rows_do_not_count(bureau, settings):
    settings.IMPORT_MAX_ROWS = 1
    response = upload(
        bureau, xlsx(STREET_HEADERS, [["110105003", "新华街道", "110105"], [], [None]])
    )
    assert response.context["confirm_form"] is not None


@pytest.mark.parametrize(
    "content",
    [
        "街道代码,名称\n110105003,新华街道\n".encode(),  # a CSV called .xlsx
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    ],
)
def test_a_file_that_is_not_really_xlsx_is_refused(bureau, content):
    response = upload(bureau, content)
    assert file_errors(response) == [str(msg.MSG_NOT_XLSX)]


def test_a_zip_that_is_not_a_workbook_is_refused(bureau):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as package:
        package.writestr("hello.txt", "not a workbook")

    response = upload(bureau, stream.getvalue())

    assert file_errors(response) == [str(msg.MSG_NOT_XLSX)]


def test_a_workbook_that_unpacks_too_large_is_refused(bureau, settings):
    rows = [["110105003", "新华街道" * 50, "110105"]] * 200  # compresses very well
    content = xlsx(STREET_HEADERS, rows)
    settings.IMPORT_MAX_UNZIPPED_BYTES = len(content) * 2

    response = upload(bureau, content)

    limit = filesizeformat(settings.IMPORT_MAX_UNZIPPED_BYTES)
    assert file_errors(response) == [msg.MSG_UNZIPPED_TOO_LARGE.format(limit=limit)]


def test_a_binary_file_sent_as_csv_is_refused(bureau):
    content = xlsx(STREET_HEADERS, [["110105003", "新华街道", "110105"]])
    response = upload(bureau, content, CSV, "streets.csv")
    assert file_errors(response) == [str(msg.MSG_NOT_CSV)]


def test_a_csv_saved_by_excel_in_gbk_is_read(bureau):
    content = "街道代码,名称,区县代码\r\n110105003,新华街道,110105\r\n".encode("gbk")

    preview = upload(bureau, content, CSV, "streets.csv")
    bureau.post(
        reverse("admin:communities_street_process_import"), preview.context["confirm_form"].initial
    )

    assert m.Street.objects.get(code="110105003").name == "新华街道"


def test_a_header_row_with_a_repeated_column_is_refused(bureau):
    response = upload(bureau, xlsx(["街道代码", "名称", "名称"], [["110105003", "a", "b"]]))
    assert file_errors(response) == [msg.MSG_DUPLICATE_HEADER.format(column="名称")]


# --- waiting files --------------------------------------------------------------------------


def test_a_preview_with_errors_leaves_no_file_behind(bureau, tmp_dir):
    upload(bureau, xlsx(STREET_HEADERS, [["110105003", "新华街道", "999999"]]))
    assert list(tmp_dir.iterdir()) == []


def test_the_waiting_file_goes_once_the_import_is_confirmed(bureau, tmp_dir):
    preview = upload(bureau, xlsx(STREET_HEADERS, [["110105003", "新华街道", "110105"]]))
    assert len(list(tmp_dir.iterdir())) == 1

    bureau.post(
        reverse("admin:communities_street_process_import"), preview.context["confirm_form"].initial
    )

    assert list(tmp_dir.iterdir()) == []
    assert m.Street.objects.filter(code="110105003").exists()


def test_files_of_abandoned_imports_are_purged(bureau, tmp_dir, settings):
    settings.IMPORT_TMP_MAX_AGE_SECONDS = 3600
    upload(bureau, xlsx(STREET_HEADERS, [["110105003", "新华街道", "110105"]]))
    (abandoned,) = tmp_dir.iterdir()
    two_hours_ago = time.time() - 7200
    os.utime(abandoned, (two_hours_ago, two_hours_ago))

    upload(bureau, xlsx(STREET_HEADERS, [["110105004", "东风街道", "110105"]]))

    assert abandoned not in list(tmp_dir.iterdir())
    assert len(list(tmp_dir.iterdir())) == 1


@pytest.mark.parametrize("name", ["../../etc/passwd", "0" * 32, ""])
def test_a_forged_waiting_file_name_is_refused(bureau, name):
    response = bureau.post(
        reverse("admin:communities_street_process_import"),
        {"import_file_name": name, "original_file_name": "x.xlsx", "format": XLSX, "resource": "0"},
    )
    assert response.status_code == 200
    assert response.context["import_errors"] == [str(msg.MSG_IMPORT_EXPIRED)]
