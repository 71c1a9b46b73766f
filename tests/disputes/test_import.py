"""The screening-ledger import (排查台账): preview then confirm, every row through the register
service, all or nothing with each bad row, column and reason named, a template that imports
once filled in, refused files, and only for users with the import permission."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from communities.importing import messages as msg
from communities.models import Notification
from communities.validators import MSG_ID_CHECK, MSG_PHONE
from communities.vocabulary import choice_labels
from disputes import errors as e
from disputes import importing
from disputes import resources as r
from disputes.models import CaseEvent, Category, DisputeCase, Level, Party, Source
from disputes.services import default_deadline
from tests.factories import valid_id_number

H = r.LEDGER_HEADERS
YESTERDAY = "2026-11-01"


@pytest.fixture(autouse=True)
def _import_tmp_dir(settings, tmp_path):
    settings.IMPORT_TMP_DIR = str(tmp_path / "imports")
    return tmp_path / "imports"


def ledger(rows, headers=H) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def row(compound="A1", category="噪声扰民", description="楼上装修噪声扰民", **cells):
    """A ledger row by header; unnamed cells empty."""
    values = {r.COMPOUND: compound, r.CATEGORY: category, r.DESCRIPTION: description}
    values.setdefault(r.APPLICANT, "王小明")
    values.update({getattr(r, key): value for key, value in cells.items()})
    return [values.get(header) for header in H]


def upload(client, content: bytes, name: str = "ledger.xlsx"):
    return client.post(
        reverse("admin:disputes_disputecase_import"),
        {"import_file": SimpleUploadedFile(name, content)},
    )


def confirm(client, preview):
    return client.post(
        reverse("admin:disputes_disputecase_import_confirm"),
        {"import_file_name": preview.context["import_file_name"]},
    )


def cell(row_number: int, column: str, message) -> str:
    return str(msg.MSG_CELL_ERROR.format(row=row_number, column=column, message=message))


def errors_of(response) -> list[str]:
    assert response.status_code == 200
    return response.context.get("errors") or []


# --- a good ledger ------------------------------------------------------------------------------


def test_a_good_ledger_is_previewed_then_registers_one_case_per_row(client, city, today):
    client.force_login(city.street)
    content = ledger(
        [
            row("A1", REGISTERED_ON=YESTERDAY, APPLICANT_PHONE="138 1234 5678"),
            row("A2", "parking", "地库车位被占", RESPONDENT="李大海", AMOUNT="1,200.50"),
            row(
                "B2",
                "邻里纠纷",
                "漏水",
                SOURCE="群众反映",
                LEVEL="街道",
                APPLICANT_ID=valid_id_number(7),
                AMOUNT=300,
            ),
        ]
    )

    preview = upload(client, content)

    assert errors_of(preview) == []
    assert [line["number"] for line in preview.context["preview"]] == [2, 3, 4]
    assert [line["registered_on"] for line in preview.context["preview"]] == [
        datetime.date(2026, 11, 1),
        today,
        today,
    ]
    assert DisputeCase.objects.count() == 0  # the preview writes nothing

    done = confirm(client, preview)

    assert done.status_code == 302
    cases = list(DisputeCase.objects.order_by("sequence"))
    assert [c.number for c in cases] == [f"110105001-2026-{n:04d}" for n in (1, 2, 3)]
    assert [c.compound.code for c in cases] == ["A1", "A2", "B2"]
    assert [c.category for c in cases] == [Category.NOISE, Category.PARKING, Category.NEIGHBOURS]
    assert [c.source for c in cases] == [Source.SCREENING, Source.SCREENING, Source.RESIDENT]
    assert [c.level for c in cases] == [Level.COMMUNITY, Level.COMMUNITY, Level.STREET]
    assert [c.amount for c in cases] == [None, Decimal("1200.50"), Decimal("300")]
    assert all(c.registered_by == city.street for c in cases)
    first = cases[0]
    assert timezone.localtime(first.registered_at).date() == datetime.date(2026, 11, 1)
    assert first.deadline == default_deadline(
        Level.COMMUNITY, Category.NOISE, first.registered_at.date()
    )
    assert timezone.localtime(cases[1].registered_at).date() == today
    parties = {
        c.compound.code: sorted(c.parties.values_list("role", "name", "phone", "id_number"))
        for c in cases
    }
    assert parties == {
        "A1": [("applicant", "王小明", "13812345678", "")],
        "A2": [("applicant", "王小明", "", ""), ("respondent", "李大海", "", "")],
        "B2": [("applicant", "王小明", "", valid_id_number(7))],
    }
    events = CaseEvent.objects.filter(case__in=cases)
    assert sorted(events.values_list("case__compound__code", "action", "actor__username")) == [
        ("A1", "register", "street"),
        ("A2", "register", "street"),
        ("B2", "register", "street"),
    ]


def test_the_preview_shows_personal_data_masked(client, city, today):
    client.force_login(city.bureau)
    content = ledger([row(APPLICANT_PHONE="13812345678", APPLICANT_ID=valid_id_number(3))])

    preview = upload(client, content)

    page = preview.content.decode()
    assert "王**" in page and "138****5678" in page
    assert "王小明" not in page and "13812345678" not in page and valid_id_number(3) not in page


def test_choices_are_read_from_their_word_or_their_value(client, city, today):
    client.force_login(city.bureau)
    content = ledger(
        [
            row(category="noise", SOURCE="hotline", LEVEL="district"),
            row(category="涉法上访", SOURCE="12345热线", LEVEL="区县"),
        ]
    )

    confirm(client, upload(client, content))

    assert set(DisputeCase.objects.values_list("category", "source", "level")) == {
        (Category.NOISE, Source.HOTLINE, Level.DISTRICT),
        (Category.LAW_PETITION, Source.HOTLINE, Level.DISTRICT),
    }


# --- bad rows -----------------------------------------------------------------------------------


def test_a_ledger_with_bad_rows_writes_nothing_and_names_each(client, city, today):
    client.force_login(city.street)
    content = ledger(
        [
            row("A1"),  # 2: good
            row("ZZ9"),  # 3: no such compound
            row("B1"),  # 4: street 2's compound: not the importer's
            row("A1", "吵架"),  # 5: not a category
            row("A1", REGISTERED_ON="2026-11-03"),  # 6: tomorrow
            row("A1", AMOUNT=-5),  # 7: negative
            row("A1", AMOUNT="五百元"),  # 8: not a number
            row("A1", description=""),  # 9: no description
            row("A1", APPLICANT_PHONE="12345"),  # 10: not a phone
            row("A1", APPLICANT_ID="110101199003071230"),  # 11: wrong check digit
            row("A1", LEVEL="区县"),  # 12: a street office may not register at district level
            row("A1", APPLICANT="", RESPONDENT=""),  # 13: nobody named
            row("A1", REGISTERED_ON="下周"),  # 14: not a date
            row("A1", APPLICANT="", APPLICANT_PHONE="13812345678"),  # 15: a phone, no name
        ]
    )

    preview = upload(client, content)

    assert DisputeCase.objects.count() == Party.objects.count() == CaseEvent.objects.count() == 0
    assert "import_file_name" not in preview.context
    assert errors_of(preview) == [
        cell(3, r.COMPOUND, importing.MSG_COMPOUND_NOT_FOUND.format(code="ZZ9")),
        cell(4, r.COMPOUND, importing.MSG_COMPOUND_NOT_FOUND.format(code="B1")),
        cell(
            5,
            r.CATEGORY,
            msg.MSG_NOT_A_CHOICE.format(value="吵架", choices=", ".join(choice_labels(Category))),
        ),
        cell(6, r.REGISTERED_ON, importing.MSG_FUTURE_DATE),
        cell(7, r.AMOUNT, importing.MSG_NEGATIVE_AMOUNT),
        cell(8, r.AMOUNT, importing.MSG_NOT_AN_AMOUNT.format(value="五百元")),
        cell(9, r.DESCRIPTION, importing.MSG_REQUIRED),
        cell(10, r.APPLICANT_PHONE, MSG_PHONE),
        cell(11, r.APPLICANT_ID, MSG_ID_CHECK),
        cell(12, r.LEVEL, e.MSG_LEVEL_NOT_ALLOWED),
        str(msg.MSG_ROW_ERROR.format(row=13, message=importing.MSG_NO_PARTY)),
        cell(14, r.REGISTERED_ON, msg.MSG_NOT_A_DATE.format(value="下周")),
        cell(15, r.APPLICANT, importing.MSG_PARTY_NAME),
    ]
    page = preview.content.decode()
    assert errors_of(preview)[0] in page and errors_of(preview)[-1] in page


def test_one_row_with_several_problems_names_each_cell(client, city, today):
    client.force_login(city.bureau)
    content = ledger([row("ZZ9", "吵架", "", AMOUNT="abc")])

    lines = errors_of(upload(client, content))

    columns = [r.COMPOUND, r.CATEGORY, r.DESCRIPTION, r.AMOUNT]
    assert len(lines) == len(columns)
    for line, column in zip(lines, columns, strict=True):
        assert line.startswith(cell(2, column, ""))


def test_the_confirmation_checks_again_and_writes_nothing_if_the_data_changed(client, city, today):
    client.force_login(city.street)
    preview = upload(client, ledger([row("A1"), row("A2")]))
    assert errors_of(preview) == []
    # Meanwhile A2 moves to street 2's community: no longer the street office's compound.
    a2 = city.compounds["A2"]
    a2.community = city.communities[2]
    a2.save()

    done = confirm(client, preview)

    assert errors_of(done) == [
        cell(3, r.COMPOUND, importing.MSG_COMPOUND_NOT_FOUND.format(code="A2"))
    ]
    assert DisputeCase.objects.count() == 0


def test_a_file_waiting_for_confirmation_is_confirmed_once_and_only_by_its_uploader(
    client, city, today
):
    client.force_login(city.street)
    preview = upload(client, ledger([row("A1")]))
    other = type(client)()
    other.force_login(city.bureau)

    stolen = confirm(other, preview)
    done = confirm(client, preview)
    again = confirm(client, preview)

    assert errors_of(stolen) == [str(msg.MSG_IMPORT_EXPIRED)]
    assert done.status_code == 302
    assert errors_of(again) == [str(msg.MSG_IMPORT_EXPIRED)]
    assert DisputeCase.objects.count() == 1


def test_the_confirmation_only_accepts_a_post(client, city, today):
    client.force_login(city.street)

    assert client.get(reverse("admin:disputes_disputecase_import_confirm")).status_code == 405


# --- the template -------------------------------------------------------------------------------


def test_the_template_downloads_and_imports_once_filled_in(client, city, today):
    client.force_login(city.street)

    response = client.get(reverse("admin:disputes_disputecase_import_template"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [r.LEDGER_SHEET, r.EXAMPLE_SHEET, r.HELP_SHEET]
    sheet, example = workbook.worksheets[0], workbook.worksheets[1]
    assert [c.value for c in sheet[1]] == H
    assert sheet.max_row == 1  # nothing to delete before filling it in
    example_row = [c.value for c in example[2]]
    assert example_row[0] in {"A1", "A2", "B2", "N1"}  # one of the street's own compounds
    help_columns = [c.value for c in workbook.worksheets[2]["A"]][1:]
    assert help_columns == H

    sheet.append(example_row)  # filled in like the example
    stream = io.BytesIO()
    workbook.save(stream)
    preview = upload(client, stream.getvalue())
    assert errors_of(preview) == []
    done = confirm(client, preview)

    assert done.status_code == 302
    case = DisputeCase.objects.get()
    assert (case.compound.code, case.category, case.source) == (
        example_row[0],
        Category.NOISE,
        Source.SCREENING,
    )
    assert case.parties.count() == 2


def test_the_register_s_header_for_the_compound_code_is_read_too(client, city, today):
    client.force_login(city.bureau)
    headers = ["小区编码" if h == r.COMPOUND else h for h in H]

    preview = upload(client, ledger([row("B1")], headers=headers))
    confirm(client, preview)

    assert list(DisputeCase.objects.values_list("compound__code", flat=True)) == ["B1"]


# --- refused files ------------------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as package:
        for name, data in members.items():
            package.writestr(name, data)
    return stream.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        b"\xe5\xb0\x8f\xe5\x8c\xba\xe7\xbc\x96\xe5\x8f\xb7,\xe7\xb1\xbb\xe5\x88\xab\nA1,noise\n",
        b"%PDF-1.4 not a spreadsheet",
        b"PK\x03\x04broken zip",
    ],
    ids=["csv", "pdf", "broken-zip"],
)
def test_a_file_that_is_not_an_xlsx_is_refused(client, city, today, content):
    client.force_login(city.street)

    lines = errors_of(upload(client, content))

    assert lines == [str(msg.MSG_NOT_XLSX)]
    assert DisputeCase.objects.count() == 0


def test_a_zip_that_unpacks_too_far_is_refused(client, city, today, settings):
    settings.IMPORT_MAX_UNZIPPED_BYTES = 10_000
    client.force_login(city.street)
    bomb = _zip({"xl/workbook.xml": b"<workbook/>", "xl/big.xml": b"0" * 50_000})

    lines = errors_of(upload(client, bomb))

    assert lines == [str(msg.MSG_UNZIPPED_TOO_LARGE.format(limit=filesizeformat(10_000)))]


def test_a_file_too_large_is_refused_before_it_is_read(client, city, today, settings):
    settings.IMPORT_MAX_FILE_BYTES = 1000
    client.force_login(city.street)

    response = upload(client, ledger([row("A1")] * 5))

    assert response.status_code == 200
    assert response.context["form"].errors["import_file"] == [
        str(msg.MSG_FILE_TOO_LARGE.format(limit=filesizeformat(1000)))
    ]
    assert DisputeCase.objects.count() == 0


def test_too_many_rows_are_refused(client, city, today, settings):
    settings.IMPORT_MAX_ROWS = 2
    client.force_login(city.street)

    lines = errors_of(upload(client, ledger([row("A1")] * 3)))

    assert lines == [str(msg.MSG_TOO_MANY_ROWS.format(limit=2))]


def test_missing_and_unknown_columns_are_named(client, city, today):
    client.force_login(city.street)
    missing = ledger([["A1", "楼上噪声"]], headers=[r.COMPOUND, r.DESCRIPTION])
    unknown = ledger([[*row("A1"), "x"]], headers=[*H, "备注栏"])

    assert errors_of(upload(client, missing)) == [
        str(msg.MSG_MISSING_COLUMNS.format(columns=f"{r.CATEGORY}、{r.APPLICANT}/{r.RESPONDENT}"))
    ]
    assert errors_of(upload(client, unknown)) == [
        str(importing.MSG_UNKNOWN_COLUMNS.format(columns="备注栏", known="、".join(H)))
    ]


def test_an_empty_ledger_is_refused(client, city, today):
    client.force_login(city.street)

    assert errors_of(upload(client, ledger([]))) == [str(importing.MSG_NO_ROWS)]


def test_formula_like_text_is_stored_as_typed(client, city, today):
    """A cell our exports neutralised (``'=…``) reads back as typed; ``@…`` is plain text."""
    client.force_login(city.street)
    content = ledger([row("A1", description="'=1+1 邻居吵架"), row("A2", description="@物业 停车")])

    confirm(client, upload(client, content))

    assert set(DisputeCase.objects.values_list("description", flat=True)) == {
        "=1+1 邻居吵架",
        "@物业 停车",
    }


# --- permission ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager_a", "community", "viewer_a"])
def test_a_user_without_the_import_permission_cannot_import(client, city, today, who):
    user = getattr(city, who)
    assert not user.has_perm("disputes.import_disputecase")
    client.force_login(user)

    page = client.get(reverse("admin:disputes_disputecase_import"))
    posted = upload(client, ledger([row("A1")]))
    template = client.get(reverse("admin:disputes_disputecase_import_template"))
    listing = client.get(reverse("admin:disputes_disputecase_changelist"))

    assert page.status_code == posted.status_code == template.status_code == 403
    assert DisputeCase.objects.count() == 0
    assert reverse("admin:disputes_disputecase_import") not in listing.content.decode()


def test_the_import_link_is_on_the_list_for_importers(client, city, today):
    client.force_login(city.street)

    listing = client.get(reverse("admin:disputes_disputecase_changelist"))

    assert reverse("admin:disputes_disputecase_import") in listing.content.decode()


def test_a_user_without_membership_is_sent_to_the_login(client, city, today):
    client.force_login(city.nobody)

    response = upload(client, ledger([row("A1")]))

    assert response.status_code == 302
    assert DisputeCase.objects.count() == 0


def test_the_import_refuses_a_user_without_permission_whatever_calls_it(city, today):
    result = importing.ledger_import(user=city.manager_a, data=ledger([row("A1")]), commit=True)

    assert not result.ok and not result.committed
    assert DisputeCase.objects.count() == 0


def test_the_preview_tells_nobody_and_the_confirmation_tells_the_handlers(
    client, city, today, django_capture_on_commit_callbacks
):
    client.force_login(city.street)

    with django_capture_on_commit_callbacks() as previewed:
        preview = upload(client, ledger([row("A1")]))
    notified_after_preview = Notification.objects.count()
    confirm(client, preview)

    assert previewed == [] and notified_after_preview == 0
    handlers = set(
        Notification.objects.filter(kind="dispute_registered").values_list(
            "user__username", flat=True
        )
    )
    assert {"manager_a", "community"} <= handlers
