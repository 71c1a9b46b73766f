"""Import and export of the register in the admin: preview, confirm, all-or-nothing, scope,
permissions, templates, exports (scope, masking, formulas) and the audit trail."""

import csv
import datetime
import io

import pytest
from auditlog.models import LogEntry as AuditEntry
from django.contrib.admin.models import LogEntry as AdminEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from openpyxl import Workbook, load_workbook

from communities import models as m
from communities import resources as r
from communities.importing import messages as msg
from communities.privacy import mask_value
from communities.validators import MSG_ID_CHECK

HOUSEHOLD_HEADERS = ["小区编码", "楼栋", "单元", "房号", "居住状态", "居住人数", "户主身份证号"]
XLSX, CSV = "0", "1"


def cell(row: int, column: str, message) -> str:
    return str(msg.MSG_CELL_ERROR.format(row=row, column=column, message=message))


@pytest.fixture(autouse=True)
def _import_tmp_dir(settings, tmp_path):
    settings.IMPORT_TMP_DIR = str(tmp_path / "imports")
    return tmp_path / "imports"


def masked_id(household) -> str:
    """The ID number as an export shows it to a role that reads it masked."""
    return mask_value(m.Household, "head_id_number", household.head_id_number)


def xlsx(headers, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def upload(client, model: str, content: bytes, fmt: str = XLSX, name: str = "file.xlsx"):
    return client.post(
        reverse(f"admin:communities_{model}_import"),
        {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, content)},
    )


def confirm(client, model: str, preview):
    return client.post(
        reverse(f"admin:communities_{model}_process_import"),
        preview.context["confirm_form"].initial,
    )


def export(client, model: str, fmt: str = "xlsx"):
    return client.post(reverse(f"admin:communities_{model}_export"), {"format": fmt})


def exported_rows(response) -> list[tuple]:
    """The rows of an export: its second sheet, after the one stating scope and filter."""
    assert response.status_code == 200, response.content[:300]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "导出说明"
    return list(book.worksheets[1].iter_rows(values_only=True))


def sheet_rows(content: bytes, sheet: int = 0) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content))
    return list(workbook.worksheets[sheet].iter_rows(values_only=True))


def rooms() -> set[tuple[str, str, str, str]]:
    return set(m.Household.objects.values_list("compound__code", "building", "unit", "room"))


# --- preview and confirm ------------------------------------------------------------------------


def test_manager_previews_then_confirms_a_household_import(city, client):
    existing = city.households["A2"]
    client.force_login(city.manager_a)
    content = xlsx(
        HOUSEHOLD_HEADERS,
        [
            ["A1", "9", "1", "901", "出租", 2, ""],
            ["A1", 9, 1, 902, "自住", 4, ""],  # numbers typed as numbers in Excel
            # a company reads ID numbers masked: its file keeps the masked value (no change)
            ["A2", existing.building, existing.unit, existing.room, "空置", 0, masked_id(existing)],
        ],
    )
    before = rooms()

    preview = upload(client, "household", content)

    assert preview.status_code == 200
    assert preview.context["confirm_form"] is not None
    assert rooms() == before  # a dry run writes nothing
    assert [row.import_type for row in preview.context["result"].rows] == ["new", "new", "update"]

    done = confirm(client, "household", preview)

    assert done.status_code == 302
    assert rooms() == before | {("A1", "9", "1", "901"), ("A1", "9", "1", "902")}
    new = m.Household.objects.get(compound__code="A1", room="901")
    assert (new.occupancy, new.residents) == (m.Occupancy.RENTED, 2)
    existing.refresh_from_db()
    assert (existing.occupancy, existing.residents) == (m.Occupancy.VACANT, 0)


def test_one_bad_row_writes_nothing_and_every_bad_row_is_named(city, client):
    client.force_login(city.manager_a)
    content = xlsx(
        HOUSEHOLD_HEADERS,
        [
            ["A1", "9", "1", "901", "自住", 2, ""],  # good
            ["A1", "9", "1", "902", "自住", "three", ""],  # not a number
            ["B1", "9", "1", "903", "自住", 2, ""],  # company B's compound: unknown to A
            ["A1", "9", "1", "904", "自住", 2, "110101199003071230"],  # wrong check digit
            ["A1", "9", "1", "905", "住着", 2, ""],  # not a choice
            ["A1", "9", "1", "901", "自住", 1, ""],  # same room as row 2
        ],
    )
    before = rooms()

    response = upload(client, "household", content)

    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert response.context["import_errors"] == [
        cell(3, "居住人数", msg.MSG_NOT_A_NUMBER.format(value="three")),
        cell(4, "小区编码", msg.MSG_UNKNOWN_CODE.format(code="B1")),
        cell(5, "户主身份证号", MSG_ID_CHECK),
        cell(6, "居住状态", msg.MSG_NOT_A_CHOICE.format(value="住着", choices="自住, 出租, 空置")),
        cell(7, "小区编码/楼栋/单元/房号", msg.MSG_DUPLICATE_IN_FILE.format(row=2)),
    ]
    html = response.content.decode()
    assert escape(cell(4, "小区编码", msg.MSG_UNKNOWN_CODE.format(code="B1"))) in html
    assert rooms() == before


def test_confirm_rolls_back_everything_when_data_changed_after_the_preview(city, client):
    client.force_login(city.manager_a)
    content = xlsx(
        HOUSEHOLD_HEADERS,
        [["A1", "9", "1", "901", "自住", 2, ""], ["A2", "9", "1", "902", "自住", 2, ""]],
    )
    preview = upload(client, "household", content)
    assert preview.context["confirm_form"] is not None
    # Meanwhile company A stops running A2: the second row is now outside manager A's scope.
    m.ManagementTerm.objects.filter(compound__code="A2").update(
        end=timezone.localdate() - datetime.timedelta(days=1)
    )
    before = rooms()

    response = confirm(client, "household", preview)

    assert response.status_code == 200
    assert rooms() == before  # row 1 was fine, and still not written
    assert response.context["import_errors"] == [
        cell(3, "小区编码", msg.MSG_UNKNOWN_CODE.format(code="A2"))
    ]
    assert not AdminEntry.objects.exists()


def test_reimporting_an_export_updates_and_does_not_duplicate(city, client):
    client.force_login(city.bureau)
    exported = export(client, "compound")
    count = m.Compound.objects.count()

    preview = upload(client, "compound", exported.content)

    assert {row.import_type for row in preview.context["result"].rows} == {"update"}
    assert confirm(client, "compound", preview).status_code == 302
    assert m.Compound.objects.count() == count


def test_a_csv_file_imports_like_an_xlsx(city, client):
    client.force_login(city.bureau)
    content = "区县代码,名称,社区代码\n110105,x,110105001001\n".encode()  # a community file
    response = upload(client, "street", content, CSV, "streets.csv")
    assert response.context["import_errors"] == [msg.MSG_MISSING_COLUMNS.format(columns="街道代码")]

    content = "街道代码,名称,区县代码\n110105003,新华街道,110105\n".encode()
    preview = upload(client, "street", content, CSV, "streets.csv")
    assert confirm(client, "street", preview).status_code == 302
    assert m.Street.objects.get(code="110105003").district == city.district


# --- permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "model", "view", "status"),
    [
        ("viewer_a", "household", "import", 403),  # may export households, not import them
        ("viewer_a", "household", "import_template", 403),
        ("viewer_a", "household", "export", 200),
        ("manager_a", "household", "import", 200),
        ("manager_a", "household", "import_template", 200),
        ("manager_a", "district", "export", 403),  # companies export compounds/households only
        ("manager_a", "compound", "import", 403),
        ("community", "compound", "import", 403),
        ("street", "compound", "import", 200),
        ("bureau", "district", "import", 200),
        ("nobody", "household", "import", 302),  # no admin access at all: to the login page
    ],
)
def test_import_and_export_urls_need_their_permission(city, client, who, model, view, status):
    client.force_login(getattr(city, who))
    response = client.get(reverse(f"admin:communities_{model}_{view}"))
    assert response.status_code == status


def test_confirming_needs_the_import_permission(city, client):
    client.force_login(city.viewer_a)
    url = reverse("admin:communities_household_process_import")
    response = client.post(url, {"import_file_name": "x", "format": "0"})
    assert response.status_code == 403


def test_a_waiting_file_can_only_be_confirmed_by_the_session_that_uploaded_it(city, client):
    client.force_login(city.manager_a)
    preview = upload(client, "household", xlsx(HOUSEHOLD_HEADERS, [["A1", "9", "1", "901"]]))
    other = type(client)()
    other.force_login(city.manager_a)
    before = rooms()

    response = confirm(other, "household", preview)

    assert response.status_code == 200
    assert response.context["import_errors"] == [str(msg.MSG_IMPORT_EXPIRED)]
    assert rooms() == before


# --- import templates -----------------------------------------------------------------------


def test_the_import_template_has_the_chinese_header_row_and_an_example(city, client):
    client.force_login(city.manager_a)

    response = client.get(reverse("admin:communities_household_import_template"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    headers = [
        "小区编码",
        "楼栋",
        "单元",
        "房号",
        "居住状态",
        "居住人数",
        "流动人口数",
        "户主姓名",
        "户主电话",
        "户主身份证号",
        r.LANDLORD_NAME,  # optional columns (房东): a file without them keeps the landlord
        r.LANDLORD_PHONE,
    ]
    assert sheet_rows(response.content, 0) == [tuple(headers)]
    example = sheet_rows(response.content, 1)
    assert example[0] == tuple(headers)
    assert example[1][:4] == ("XQ0001", "1", "2", "301")


def test_the_import_template_is_linked_from_the_changelist_and_the_import_page(city, client):
    client.force_login(city.manager_a)
    template_url = reverse("admin:communities_household_import_template")

    changelist = client.get(reverse("admin:communities_household_changelist"))
    import_page = client.get(reverse("admin:communities_household_import"))

    assert template_url in changelist.content.decode()
    assert template_url in import_page.content.decode()


def test_a_viewer_sees_no_link_to_the_import_template(city, client):
    client.force_login(city.viewer_a)
    changelist = client.get(reverse("admin:communities_household_changelist"))
    assert reverse("admin:communities_household_import_template") not in changelist.content.decode()


# --- exports ----------------------------------------------------------------------------------


def test_an_export_holds_only_the_rows_the_user_may_see(city, client):
    client.force_login(city.manager_a)

    response = export(client, "household")

    rows = exported_rows(response)
    assert rows[0][:4] == ("小区编码", "楼栋", "单元", "房号")
    assert {row[0] for row in rows[1:]} == {"A1", "A2"}


def test_an_export_masks_personal_data_for_users_without_the_permission(city, client):
    household = city.households["A1"]
    m.Household.objects.filter(pk=household.pk).update(
        occupancy=m.Occupancy.RENTED, landlord_name="赵房东", landlord_phone="13900002222"
    )
    client.force_login(city.viewer_a)

    masked = exported_rows(export(client, "household"))

    row = next(r for r in masked[1:] if r[0] == "A1")
    assert row[7:] == (
        "李*",
        household.head_phone[:3] + "****" + household.head_phone[-4:],
        household.head_id_number[:3] + "*" * 11 + household.head_id_number[-4:],
        "赵**",
        "139****2222",
    )

    client.force_login(city.community)  # a community committee sees personal data in full
    full = exported_rows(export(client, "household"))
    row = next(r for r in full[1:] if r[0] == "A1")
    assert row[7:] == (
        "李四",
        household.head_phone,
        household.head_id_number,
        "赵房东",
        "13900002222",
    )


DANGEROUS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\tcmd", "\rcmd"]


def test_an_xlsx_export_writes_formulas_as_escaped_text(city, client):
    for code, name in zip(["A1", "A2", "N1", "B1", "B2"], DANGEROUS, strict=False):
        m.Compound.objects.filter(code=code).update(name=name)
    m.Compound.objects.filter(code="B2").update(address=DANGEROUS[-1])
    client.force_login(city.bureau)

    response = export(client, "compound")

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[1]
    names = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert {code: cell.value for code, cell in names.items()} == {
        "A1": "'=1+1",
        "A2": "'+1+1",
        "N1": "'-1+1",
        "B1": "'@SUM(A1)",
        "B2": "'\tcmd",
    }
    assert {cell.data_type for cell in names.values()} == {"s"}
    addresses = {row[0].value: row[3] for row in sheet.iter_rows(min_row=2)}
    # xlsxwriter stores the carriage return as Excel's escape _x000D_ (Excel shows a carriage
    # return; openpyxl leaves the escape as it is); the apostrophe stays first.
    assert (addresses["B2"].value, addresses["B2"].data_type) == ("'_x000D_cmd", "s")


def test_a_csv_export_escapes_formulas_too(city, client):
    link = '=HYPERLINK("http://x")'
    m.Compound.objects.filter(code="A1").update(name=link)
    client.force_login(city.bureau)

    response = export(client, "compound", "csv")

    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["小区编码", "名称", "社区代码"]
    assert rows[1][:2] == ["A1", "'" + link]


def test_an_exported_term_file_has_real_dates_and_imports_back_as_updates(city, client):
    client.force_login(city.bureau)
    exported = export(client, "managementterm")
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[1]
    assert [c.value for c in sheet[1]][:4] == [
        "小区编码",
        "统一社会信用代码",
        "开始日期",
        "结束日期",
    ]
    starts = [row[2] for row in sheet.iter_rows(min_row=2)]
    assert starts and all(cell.is_date and cell.number_format == "yyyy-mm-dd" for cell in starts)
    count = m.ManagementTerm.objects.count()

    preview = upload(client, "managementterm", exported.content)

    assert {row.import_type for row in preview.context["result"].rows} == {"update"}
    assert confirm(client, "managementterm", preview).status_code == 302
    assert m.ManagementTerm.objects.count() == count


def test_a_big_register_export_runs_as_a_job_masked_like_a_small_one(
    city, client, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    client.force_login(city.viewer_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, "household")

    job = m.ExportJob.objects.get(user=city.viewer_a)
    assert response["Location"] == reverse("communities:export_job", args=[job.pk])
    file = client.get(reverse("communities:export_download", args=[job.pk]))
    book = load_workbook(io.BytesIO(b"".join(file.streaming_content)))
    rows = list(book.worksheets[1].iter_rows(values_only=True))[1:]
    assert {row[0] for row in rows} == {"A1", "A2"}
    assert {row[7] for row in rows} == {"李*"}
    settings.EXPORT_INLINE_MAX_ROWS = 100
    assert rows == exported_rows(export(client, "household"))[1:]


# --- audit ------------------------------------------------------------------------------------


def test_an_import_is_one_audit_entry_with_its_counts_not_one_entry_per_row(city, client):
    # Rows are written in bulk: django-auditlog sees no save, the import's own entry is the trail.
    existing = city.households["A2"]
    client.force_login(city.manager_a)
    content = xlsx(
        HOUSEHOLD_HEADERS,
        [
            ["A1", "9", "1", "901", "自住", 2, "110101199003071233"],
            ["A2", existing.building, existing.unit, existing.room, "出租", 5, masked_id(existing)],
        ],
    )
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0

    confirm(client, "household", upload(client, "household", content))

    entries = AuditEntry.objects.filter(id__gt=before, actor=city.manager_a)
    assert [e.action for e in entries] == [AuditEntry.Action.ACCESS]
    rows = entries.get().additional_data["rows"]
    assert (rows["new"], rows["update"], rows["refused"]) == (1, 1, 0)
    existing.refresh_from_db()
    assert (existing.residents, existing.occupancy) == (5, m.Occupancy.RENTED)
    # The admin's own history still lists both rows, with their ids.
    new = m.Household.objects.get(compound=city.compounds["A1"], room="901")
    assert set(
        AdminEntry.objects.filter(user=city.manager_a).values_list("object_id", flat=True)
    ) == {str(new.pk), str(existing.pk)}
    assert (new.residents, new.head_id_number) == (2, "110101199003071233")
