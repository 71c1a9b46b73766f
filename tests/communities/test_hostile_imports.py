"""Hostile import files (issue 10, "Import memory"), each posted through the real import page
as a role that may import: refused with its Chinese message on the form (HTTP 200), nothing
written, no upload left behind, and the peak memory of the request under a bound.

The files are written by hand with zipfile (small on disk, however much they declare or
unpack to): a sheet declaring A1:XFD50001, a header 100,000 columns wide, 11 million shared
strings, a 150 MB cell, a zip bomb, billion laughs, XXE, random bytes, 200,000 rows and an ID
number Excel rounded to 1.10101E+17. Macro workbooks are in test_macro_workbooks.py, Unicode
digits and invisible characters in test_normalisation.py, smaller odd files in
test_import_files.py.
"""

import io
import itertools
import random
import tracemalloc
import zipfile
from collections.abc import Iterable
from xml.sax.saxutils import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from openpyxl.utils import get_column_letter

from communities import models as m
from communities.admin.importexport import RegisterImportExportMixin
from communities.importing import messages as msg
from communities.importing.formats import XLSXFormat
from disputes import resources as r
from disputes.models import DisputeCase
from tests.communities.test_import_files import STREET_HEADERS, xlsx
from tests.disputes.test_import import ledger, row

MB = 1024 * 1024
XLSX, CSV = "0", "1"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
XXE = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.fixture(autouse=True)
def tmp_dirs(settings, tmp_path):
    """Where waiting imports and Django's own upload files go: both must end empty."""
    settings.IMPORT_TMP_DIR = str(tmp_path / "imports")
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    return [tmp_path / "imports", tmp_path / "uploads"]


# --- files written by hand ------------------------------------------------------------------


def _content_types(shared: bool) -> str:
    sst = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/>' if shared else ""
    return (
        DECLARATION + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        f"{sst}</Types>"
    )


def _relationships(*targets: tuple[str, str]) -> str:
    items = "".join(
        f'<Relationship Id="rId{i}" Type="{REL}/{kind}" Target="{target}"/>'
        for i, (kind, target) in enumerate(targets, start=1)
    )
    return f'{DECLARATION}<Relationships xmlns="{PKG_REL}">{items}</Relationships>'


WORKBOOK = (
    f'{DECLARATION}<workbook xmlns="{MAIN}" xmlns:r="{REL}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)


def package(
    sheet: Iterable[str],
    shared: Iterable[str] | None = None,
    *,
    prologs: dict[str, str] | None = None,
) -> bytes:
    """An .xlsx of one sheet whose XML comes in pieces (so that a part of hundreds of MB is
    compressed as it is produced, never held whole); ``prologs`` puts text (a DTD) before
    the root element of the named part."""
    prologs = prologs or {}
    stream = io.BytesIO()
    targets = [("worksheet", "worksheets/sheet1.xml")]
    if shared is not None:
        targets.append(("sharedStrings", "sharedStrings.xml"))
    small = {
        "[Content_Types].xml": _content_types(shared is not None),
        "_rels/.rels": _relationships(("officeDocument", "xl/workbook.xml")),
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": _relationships(*targets),
    }
    big = {"xl/worksheets/sheet1.xml": sheet, "xl/sharedStrings.xml": shared}
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in small.items():
            archive.writestr(name, _with_prolog(text, prologs.get(name)))
        for name, pieces in big.items():
            if pieces is None:
                continue
            with archive.open(name, "w", force_zip64=True) as part:
                part.write(_with_prolog(DECLARATION, prologs.get(name)).encode())
                for piece in pieces:
                    part.write(piece.encode())
    return stream.getvalue()


def _with_prolog(text: str, prolog: str | None) -> str:
    return text.replace("\n", f"\n{prolog}", 1) if prolog else text


def sheet(rows: Iterable[str], dimension: str = "A1:C2") -> Iterable[str]:
    yield f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>'
    yield from rows
    yield "</sheetData></worksheet>"


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def text_row(number: int, values: list[str], first_column: int = 1) -> str:
    cells = "".join(
        text_cell(f"{get_column_letter(first_column + i)}{number}", value)
        for i, value in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def shared_row(number: int, indexes: list[int]) -> str:
    cells = "".join(
        f'<c r="{get_column_letter(i + 1)}{number}" t="s"><v>{index}</v></c>'
        for i, index in enumerate(indexes)
    )
    return f'<row r="{number}">{cells}</row>'


def shared_strings(texts: Iterable[str], count: int) -> Iterable[str]:
    yield f'<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">'
    for text in texts:
        yield f"<si><t>{escape(text)}</t></si>"
    yield "</sst>"


def street_rows(count: int, start: int = 2) -> Iterable[str]:
    for number in range(start, start + count):
        yield text_row(number, [f"110105{number:03d}", f"街道{number}", "110105"])


def header() -> str:
    return text_row(1, STREET_HEADERS)


def repeated(piece: str, total_bytes: int) -> Iterable[str]:
    """``piece`` over and over, in 1 MB blocks."""
    block = piece * max(1, MB // len(piece))
    for _ in range(total_bytes // len(block)):
        yield block


# --- the hostile files ------------------------------------------------------------------------


def wide_dimension() -> bytes:
    """The probe's file: a header cell at XFD, a dimension of A1:XFD50001, 50,000 rows."""
    rows = (
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c></row>'
        for n in range(2, 50_002)
    )
    return package(sheet([text_row(1, ["编码"], first_column=16_384), *rows], "A1:XFD50001"))


def shared_strings_flood(count: int) -> bytes:
    """``count`` one-letter shared strings (11 million: 187 MB unpacked, 450 KB packed)."""
    piece = "<si><t>a</t></si>"
    full, rest = divmod(count, 1000)
    entries = itertools.chain((piece * 1000 for _ in range(full)), [piece * rest])
    strings = [f'<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">', *entries, "</sst>"]
    return package(sheet([shared_row(1, [0, 0, 0])]), strings)


def huge_shared_cell() -> bytes:
    """One 150 MB text in the shared strings, used by the cells of row 2."""
    strings = [
        f'<sst xmlns="{MAIN}" count="4" uniqueCount="4">',
        *(f"<si><t>{h}</t></si>" for h in STREET_HEADERS),
        "<si><t>",
        *repeated("x", 150 * MB),
        "</t></si></sst>",
    ]
    return package(sheet([shared_row(1, [0, 1, 2]), shared_row(2, [3, 3, 3])]), strings)


def huge_inline_cell() -> bytes:
    cell = ['<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>']
    cell += [*repeated("x", 150 * MB), "</t></is></c></row>"]
    return package(sheet([header(), *cell]))


def zip_bomb() -> bytes:
    """A sheet unpacking to 300 MB of blanks (a few hundred KB packed)."""
    return package(sheet([header(), *repeated(" ", 300 * MB)]))


def with_dtd(part: str, dtd: str) -> bytes:
    return package(sheet([header(), *street_rows(1)]), prologs={part: dtd})


def random_bytes() -> bytes:
    return random.Random(10).randbytes(200_000)


def many_rows(count: int) -> bytes:
    """A header and ``count`` rows of numbers (200,000: about 3 MB packed)."""
    rows = (
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}"><v>{n}</v></c>'
        f'<c r="C{n}"><v>110105</v></c></row>'
        for n in range(2, count + 2)
    )
    return package(sheet([header(), *rows], f"A1:C{count + 1}"))


def wide_csv(columns: int) -> bytes:
    """The probe's CSV: 100,000 header columns (about 690 KB)."""
    head = ",".join(f"列{i}" for i in range(columns))
    return f"{head}\r\n110105003,新华街道,110105\r\n".encode()


# --- posting them -------------------------------------------------------------------------------


def measured(post):
    """The response and the request's peak of Python memory, in MB."""
    tracemalloc.start()
    try:
        response = post()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return response, peak / MB


def register_import(client, content: bytes, fmt: str = XLSX, model: str = "street"):
    name = "file.csv" if fmt == CSV else "file.xlsx"
    return client.post(
        reverse(f"admin:communities_{model}_import"),
        {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, content)},
    )


def form_errors(response) -> list[str]:
    assert response.status_code == 200
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    return list(response.context["form"].errors.get("import_file", []))


def assert_nothing_left(tmp_dirs) -> None:
    for folder in tmp_dirs:
        assert not folder.exists() or list(folder.iterdir()) == []


@pytest.fixture
def bureau(city, client):
    client.force_login(city.bureau)
    return client


def too_long(row_number: int, column: str) -> str:
    return str(msg.MSG_CELL_TOO_LONG.format(row=row_number, column=column, limit=2000))


CASES = {
    "wide dimension": (wide_dimension, lambda: msg.MSG_TOO_MANY_COLUMNS.format(limit=50), 40),
    "shared strings flood": (
        lambda: shared_strings_flood(11_000_000),
        lambda: msg.MSG_TOO_MANY_STRINGS.format(limit=50_000),
        20,
    ),
    "huge shared cell": (huge_shared_cell, lambda: too_long(2, "A"), 40),
    "huge inline cell": (huge_inline_cell, lambda: too_long(2, "B"), 40),
    "zip bomb": (
        zip_bomb,
        lambda: msg.MSG_UNZIPPED_TOO_LARGE.format(limit=filesizeformat(200 * MB)),
        20,
    ),
    "billion laughs in the sheet": (
        lambda: with_dtd("xl/worksheets/sheet1.xml", LAUGHS),
        lambda: msg.MSG_NOT_XLSX,
        20,
    ),
    "billion laughs in the workbook": (
        lambda: with_dtd("xl/workbook.xml", LAUGHS),
        lambda: msg.MSG_NOT_XLSX,
        20,
    ),
    "XXE in the shared strings": (
        lambda: package(
            sheet([shared_row(1, [0, 1, 2]), shared_row(2, [3, 3, 3])]),
            shared_strings([*STREET_HEADERS, "&xxe;"], 4),
            prologs={"xl/sharedStrings.xml": XXE},
        ),
        lambda: msg.MSG_NOT_XLSX,
        20,
    ),
    "random bytes named .xlsx": (random_bytes, lambda: msg.MSG_NOT_XLSX, 20),
    "ten million empty elements before the cells": (
        lambda: package(
            [
                f'<worksheet xmlns="{MAIN}"><sheetViews>',
                *repeated("<x/>", 40 * MB),
                "</sheetViews><sheetData>",
                header(),
                "</sheetData></worksheet>",
            ]
        ),
        lambda: msg.MSG_NOT_XLSX,
        20,
    ),
    "a row past Excel's last": (
        lambda: package(sheet([header(), '<row r="1048577"><c r="A1048577"><v>1</v></c></row>'])),
        lambda: msg.MSG_NOT_XLSX,
        20,
    ),
    "200,000 rows": (
        lambda: many_rows(200_000),
        lambda: msg.MSG_TOO_MANY_ROWS.format(limit=5000),
        20,
    ),
}
# Lowered so that the test stays fast under tracemalloc; reading stops at the limit either way
# (at the defaults, 500,000 strings and 50,000 rows, the probe's files took 2 s and 6 MB, and
# 5 s and 29 MB, without tracemalloc).
LOWERED = {"IMPORT_MAX_SHARED_STRINGS": 50_000, "IMPORT_MAX_ROWS": 5000}


@pytest.mark.parametrize("case", CASES)
def test_the_register_import_refuses_a_hostile_workbook(bureau, settings, tmp_dirs, case):
    build, message, bound_mb = CASES[case]
    for name, value in LOWERED.items():
        setattr(settings, name, value)
    content = build()
    assert len(content) < 10 * MB  # the size limit admits it
    before = m.Street.objects.count()

    response, peak = measured(lambda: register_import(bureau, content))

    assert form_errors(response) == [str(message())]
    assert m.Street.objects.count() == before
    assert_nothing_left(tmp_dirs)
    assert peak < bound_mb, f"{case}: {peak:.0f} MB"


def test_the_refusal_is_in_chinese(bureau):
    response = register_import(bureau, wide_dimension())
    assert form_errors(response) == [
        "第一行超过 50 列：请删除不需要的列（包括右边远处的空列）后重新上传。"
    ]


def test_a_shared_strings_flood_over_a_lowered_cap_is_refused(bureau, settings, tmp_dirs):
    settings.IMPORT_MAX_SHARED_STRINGS = 1000

    response, peak = measured(lambda: register_import(bureau, shared_strings_flood(1001)))

    assert form_errors(response) == [str(msg.MSG_TOO_MANY_STRINGS.format(limit=1000))]
    assert_nothing_left(tmp_dirs)
    assert peak < 20


def test_shared_strings_up_to_the_cap_are_read(bureau, settings):
    settings.IMPORT_MAX_SHARED_STRINGS = 6
    content = package(
        sheet([shared_row(1, [0, 1, 2]), shared_row(2, [3, 4, 5])]),
        shared_strings([*STREET_HEADERS, "110105003", "新华街道", "110105"], 6),
    )
    response = register_import(bureau, content)
    assert response.context["form"].errors == {}
    assert response.context["confirm_form"] is not None


@pytest.mark.parametrize(
    ("cell", "where"),
    [
        ('<c r="B2" t="inlineStr"><is><t>{}</t></is></c>', "B"),
        ('<c r="C2" t="str"><f>A1</f><v>{}</v></c>', "C"),
    ],
)
def test_a_cell_just_over_the_limit_is_named_by_row_and_column(bureau, cell, where):
    text = "街" * 2001
    content = package(sheet([header(), f'<row r="2">{cell.format(text)}</row>']))
    assert form_errors(register_import(bureau, content)) == [too_long(2, where)]


def test_the_text_of_a_whole_file_is_bounded(bureau, settings):
    settings.IMPORT_MAX_TEXT_CHARS = 1000
    response = register_import(bureau, package(sheet([header(), *street_rows(100)])))
    assert form_errors(response) == [str(msg.MSG_TOO_MUCH_TEXT.format(limit=1000))]


def test_a_declared_dimension_is_not_trusted_and_rows_are_not_padded(bureau, tmp_dirs):
    """A real header and two rows in a sheet declaring A1:XFD50001: imported as three columns."""
    content = package(sheet([header(), *street_rows(2)], "A1:XFD50001"))

    response, peak = measured(lambda: register_import(bureau, content))

    assert response.context["form"].errors == {}
    rows = response.context["result"].rows
    assert [len(line.diff) for line in rows] == [3, 3]
    assert peak < 20
    bureau.post(
        reverse("admin:communities_street_process_import"),
        response.context["confirm_form"].initial,
    )
    assert set(
        m.Street.objects.filter(code__in=["110105002", "110105003"]).values_list("name", flat=True)
    ) == {"街道2", "街道3"}
    assert_nothing_left(tmp_dirs)


def test_trailing_empty_cells_far_to_the_right_are_ignored(bureau):
    rows = [
        header(),
        text_row(2, ["110105003", "新华街道", "110105"]).replace(
            "</row>", '<c r="XFD2" s="1"/></row>'
        ),
    ]
    response = register_import(bureau, package(sheet(rows)))
    assert response.context["form"].errors == {}
    assert len(response.context["result"].rows) == 1


# --- CSV ------------------------------------------------------------------------------------------


def test_the_probes_wide_csv_is_refused_without_reading_it(bureau, tmp_dirs):
    content = wide_csv(100_000)
    assert 600_000 < len(content) < 2 * MB

    response, peak = measured(lambda: register_import(bureau, content, CSV))

    assert form_errors(response) == [str(msg.MSG_TOO_MANY_COLUMNS.format(limit=50))]
    assert_nothing_left(tmp_dirs)
    assert peak < 20


def test_a_csv_header_just_over_the_column_limit_is_refused(bureau):
    response = register_import(bureau, wide_csv(51), CSV)
    assert form_errors(response) == [str(msg.MSG_TOO_MANY_COLUMNS.format(limit=50))]


def test_a_csv_with_a_long_cell_or_line_is_refused_by_row(bureau, tmp_dirs):
    long_cell = "街道代码,名称,区县代码\r\n110105003," + "新" * 2001 + ",110105\r\n"
    assert form_errors(register_import(bureau, long_cell.encode(), CSV)) == [too_long(2, "B")]

    huge_line = "街道代码,名称,区县代码\r\n110105003," + "新" * 3_000_000 + "\r\n"
    response, peak = measured(lambda: register_import(bureau, huge_line.encode(), CSV))
    assert form_errors(response) == [
        str(msg.MSG_ROW_TOO_LONG.format(row=2, columns=50, limit=2000))
    ]
    assert_nothing_left(tmp_dirs)
    assert peak < 80  # the file itself, decoded once


# --- the other import pages ------------------------------------------------------------------


@pytest.mark.parametrize("build", [wide_dimension, huge_shared_cell, zip_bomb, random_bytes])
def test_the_ledger_import_refuses_them_too(client, city, tmp_dirs, build):
    client.force_login(city.street)

    response, peak = measured(
        lambda: client.post(
            reverse("admin:disputes_disputecase_import"),
            {"import_file": SimpleUploadedFile("ledger.xlsx", build())},
        )
    )

    assert response.status_code == 200
    assert len(response.context["errors"]) == 1
    assert DisputeCase.objects.count() == 0
    assert_nothing_left(tmp_dirs)
    assert peak < 60


def test_a_manager_importing_a_wide_sheet_is_refused(client, city, tmp_dirs):
    client.force_login(city.manager_a)
    before = m.Household.objects.count()

    response, peak = measured(lambda: register_import(client, wide_dimension(), model="household"))

    assert form_errors(response) == [str(msg.MSG_TOO_MANY_COLUMNS.format(limit=50))]
    assert m.Household.objects.count() == before
    assert peak < 40


# --- an ID number Excel turned into 1.10101E+17 ----------------------------------------------

HOUSEHOLD_HEADERS = ["小区编码", "楼栋", "单元", "房号", "居住状态", "居住人数", "户主姓名"]


def id_header() -> str:
    from communities.resources import HEAD_ID_NUMBER

    return str(HEAD_ID_NUMBER)


@pytest.mark.parametrize(
    ("fmt", "value"),
    [(XLSX, 110101199003071234.0), (CSV, "1.10101E+17")],
)
def test_an_id_number_excel_rounded_is_refused_with_what_to_do(client, city, fmt, value):
    client.force_login(city.manager_a)
    headers = [*HOUSEHOLD_HEADERS, id_header()]
    values = ["A1", "9", "1", "901", "自住", 2, "李四", value]
    if fmt == XLSX:
        content = xlsx(headers, [values])
    else:
        content = (",".join(headers) + "\r\n" + ",".join(map(str, values)) + "\r\n").encode()
    before = m.Household.objects.count()

    response = register_import(client, content, fmt, model="household")

    lines = response.context["import_errors"]
    expected = msg.MSG_ID_AS_NUMBER.format(value="1.10101E+17")
    assert any(str(expected) in line for line in lines), lines
    assert m.Household.objects.count() == before


def test_the_ledger_refuses_a_rounded_id_number(client, city):
    client.force_login(city.street)
    content = ledger([row("A1", APPLICANT_ID=110101199003071234.0)])

    response = client.post(
        reverse("admin:disputes_disputecase_import"),
        {"import_file": SimpleUploadedFile("ledger.xlsx", content)},
    )

    expected = msg.MSG_ID_AS_NUMBER.format(value="1.10101E+17")
    assert any(str(expected) in line for line in response.context["errors"])
    assert DisputeCase.objects.count() == 0
    assert r.APPLICANT_ID


# --- what the preview shows -----------------------------------------------------------------


def test_the_preview_cuts_long_cells_but_the_import_keeps_them(bureau, settings):
    settings.IMPORT_PREVIEW_CELL_CHARS = 10
    name = "新华街道" * 3
    content = xlsx(STREET_HEADERS, [["110105003", name, "110105"]])

    preview = register_import(bureau, content)

    page = preview.content.decode()
    assert "新华街道新华街道新…" in page
    assert name not in page
    bureau.post(
        reverse("admin:communities_street_process_import"), preview.context["confirm_form"].initial
    )
    assert m.Street.objects.get(code="110105003").name == name


def test_a_refused_row_shows_its_cells_cut(bureau, settings):
    settings.IMPORT_PREVIEW_CELL_CHARS = 10
    name = "长" * 1500  # longer than a street's name may be: the row is refused

    response = register_import(bureau, xlsx(STREET_HEADERS, [["110105003", name, "110105"]]))

    page = response.content.decode()
    assert "长" * 9 + "…" in page
    assert "长" * 11 not in page
    assert not m.Street.objects.filter(code="110105003").exists()


def test_an_error_line_cuts_the_value_it_quotes(client, city, settings):
    settings.IMPORT_PREVIEW_CELL_CHARS = 10
    client.force_login(city.manager_a)
    headers = HOUSEHOLD_HEADERS
    content = xlsx(headers, [["A1", "9", "1", "901", "自住", "七" * 1500, "李四"]])

    response = register_import(client, content, model="household")

    quoted = msg.MSG_NOT_A_NUMBER.format(value="七" * 9 + "…")
    assert any(str(quoted) in line for line in response.context["import_errors"])
    assert "七" * 11 not in response.content.decode()


def test_a_file_with_only_blank_rows_below_the_header_is_refused_in_chinese(bureau, tmp_dirs):
    """200,000 formatted empty rows: one clear message (the library's own was English).
    Down to Excel's last row (1,048,576) they take about 8 s; past it the file is refused."""
    blank_rows = repeated("<row/>", 6 * 200_000)
    content = package(sheet([header(), *blank_rows]))

    response = register_import(bureau, content)

    assert form_errors(response) == [str(msg.MSG_NO_DATA_ROWS)]
    assert_nothing_left(tmp_dirs)


# --- whatever happens, the upload goes -------------------------------------------------------


def test_a_file_that_exhausts_the_reader_is_refused_in_chinese_and_dropped(
    bureau, tmp_dirs, monkeypatch
):
    def exhausted(self, data):
        raise MemoryError

    monkeypatch.setattr(XLSXFormat, "create_dataset", exhausted)

    response = register_import(bureau, xlsx(STREET_HEADERS, [["110105003", "新华街道", "110105"]]))

    assert form_errors(response) == [str(msg.MSG_IMPORT_FAILED)]
    assert_nothing_left(tmp_dirs)


def test_a_crash_after_reading_leaves_no_upload_behind(bureau, tmp_dirs, monkeypatch):
    def crash(self, *args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(RegisterImportExportMixin, "get_import_data_kwargs", crash)

    with pytest.raises(RuntimeError):
        register_import(bureau, xlsx(STREET_HEADERS, [["110105003", "新华街道", "110105"]]))

    assert_nothing_left(tmp_dirs)
    assert not m.Street.objects.filter(code="110105003").exists()
