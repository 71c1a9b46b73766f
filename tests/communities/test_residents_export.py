"""The residents export and the registration work list's export: rows and figures, the scope
of each role, names, ID numbers and phones masked in the very bytes of the file for a role
without the permission (and in full with it), the audit entry of each export, formulas
neutralised, and query counts that do not grow with the rows."""

import datetime
import io
import zipfile
from urllib.parse import urlencode

import pytest
import time_machine
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from communities import audit
from communities.exports import ExportContext
from communities.exports.writer import write_export
from communities.models import (
    DocumentType,
    ExportJob,
    ExportStatus,
    Occupancy,
    Relation,
    ResidentKind,
    Role,
)
from communities.residents import columns as c
from communities.residents import exporting as x
from communities.services import membership_set
from tests import factories as f
from tests.conftest import EXPECTED_COMPOUNDS

TODAY = datetime.date(2026, 6, 15)
RESIDENTS = reverse("communities:export_begin", args=[x.RESIDENTS_KEY])
WORKLIST = reverse("communities:export_begin", args=[x.WORKLIST_KEY])


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)):
        yield


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def street_staff(city):
    user = f.UserFactory(username="street_staff")
    membership_set(user=user, organisation=city.org.street, role=Role.STAFF)
    user.refresh_from_db()
    return user


def person(household, name, id_number, phone, **kwargs):
    return f.ResidentFactory(
        household=household, name=name, id_number=id_number, phone=phone, **kwargs
    )


@pytest.fixture
def people(city):
    """A1: a registered owner and an unregistered floating resident; A2: a floating resident
    whose permit expires in 10 days, and one who moved out; B1: a resident from abroad whose
    permit expired; N1: a rented home with no tenant recorded (its landlord)."""
    h = city.households
    floating = {"kind": ResidentKind.FLOATING, "relation": Relation.TENANT}
    registered = {"registered_on": days(-300), "registered_by": "和平派出所"}
    return {
        "owner": person(h["A1"], "张三丰", f.valid_id_number(1), "13812345678",
                        relation=Relation.OWNER, moved_in=days(-900)),
        "unregistered": person(h["A1"], "=1+2", f.valid_id_number(2), "13812345679", **floating),
        "expiring": person(h["A2"], "李晓梅", f.valid_id_number(3), "13812345680",
                           permit_expires=days(10), **floating, **registered),
        "moved_out": person(h["A2"], "赵大海", f.valid_id_number(4), "13812345681",
                            moved_in=days(-400), moved_out=days(-30)),
        "expired": person(h["B1"], "John Smith", "E12345678", "13812345682",
                          kind=ResidentKind.FOREIGN, document_type=DocumentType.PASSPORT,
                          relation=Relation.TENANT, permit_expires=days(-5), **registered),
        "landlord": _rented(h["N1"], "王房东", "13900001111"),
    }  # fmt: skip


def _rented(household, name, phone):
    household.occupancy = Occupancy.RENTED
    household.landlord_name, household.landlord_phone = name, phone
    household.save()
    return household


SECRETS = [
    "13812345678", "13812345679", "13812345680", "13812345681", "13812345682", "13900001111",
    f.valid_id_number(1), f.valid_id_number(2), f.valid_id_number(3), f.valid_id_number(4),
    "E12345678",
]  # fmt: skip
NAMES = ["张三丰", "李晓梅", "赵大海", "John Smith", "王房东"]


def post(client, url, params=None):
    query = f"?{urlencode(params)}" if params else ""
    response = client.post(f"{url}{query}")
    assert response.status_code == 200, response.content[:300]
    return response


def unzipped(response) -> str:
    """Every part of the .xlsx (sheets, shared strings, …) as one text."""
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        return b"".join(book.read(name) for name in book.namelist()).decode("utf-8")


def table(response, sheet) -> list[dict]:
    rows = list(load_workbook(io.BytesIO(response.content))[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def exported_names(response) -> set[str]:
    return {row[c.NAME] for row in table(response, c.SHEET)}


# --- the residents export ------------------------------------------------------------------------


def test_the_bureau_exports_every_present_resident_in_the_import_columns(client, city, people):
    client.force_login(city.bureau)

    response = post(client, RESIDENTS)

    rows = {row[c.NAME]: row for row in table(response, c.SHEET)}
    assert list(next(iter(rows.values()))) == c.HEADERS
    assert set(rows) == {"张三丰", "'=1+2", "李晓梅", "John Smith"}  # not who moved out
    owner = rows["张三丰"]
    assert (owner[c.COMPOUND_CODE], owner[c.COMPOUND_NAME], owner[c.DOCUMENT_NUMBER]) == (
        "A1",
        "甲一小区",
        f.valid_id_number(1),
    )
    assert (owner[c.PHONE], owner[c.MOVED_IN].date()) == ("13812345678", days(-900))
    expiring = rows["李晓梅"]
    assert (expiring[c.REGISTERED_BY], expiring[c.PERMIT_EXPIRES].date()) == (
        "和平派出所",
        days(10),
    )


def test_moved_out_residents_are_exported_when_asked_for(client, city, people):
    client.force_login(city.bureau)
    response = post(client, RESIDENTS, {"moved_out": "on"})
    rows = {row[c.NAME]: row for row in table(response, c.SHEET)}
    assert "赵大海" in rows and rows["赵大海"][c.MOVED_OUT].date() == days(-30)


def figures(response) -> dict[str, dict]:
    return {row[c.COMPOUND_CODE]: row for row in table(response, x.FIGURES_SHEET)}


def test_the_figures_sheet_has_each_compound_and_the_total(client, city, people):
    client.force_login(city.bureau)

    sheet = figures(post(client, RESIDENTS))

    headers = [col.header for col in x.FIGURE_COLUMNS]
    assert set(sheet) == {"A1", "A2", "N1", "B1", "B2", x.TOTAL}
    a2, total = sheet["A2"], sheet[x.TOTAL]
    # A2: one floating resident present, registered (expiring but still valid): 100 %.
    assert [a2[h] for h in headers[2:]] == [1, 1, 1, 1, 1, 0, 0, 1, 1, 100]
    # N1: rented, no roster, no tenant; B1: the expired permit; A1: one unregistered of one.
    assert (sheet["N1"][headers[7]], sheet["N1"][headers[8]]) == (1, 1)
    assert (sheet["B1"][headers[9]], sheet["B1"][headers[10]], sheet["B1"][headers[11]]) == (
        1,
        0,
        0,
    )
    assert [total[h] for h in headers[9:]] == [3, 1, 33.3]
    assert sheet["B2"][headers[11]] is None  # nobody to register: no rate, not 0 %


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("street", {"张三丰", "'=1+2", "李晓梅"}),
        ("community", {"张三丰", "'=1+2", "李晓梅"}),
        ("manager_a", {"张**", "'=***", "李**"}),
        ("manager_b", {"J*********"}),
    ],
)
def test_each_role_exports_only_its_area(client, city, people, who, expected):
    client.force_login(getattr(city, who))
    response = post(client, RESIDENTS)
    assert exported_names(response) == expected
    assert set(figures(response)) - {x.TOTAL} == EXPECTED_COMPOUNDS[who]


def test_the_place_filters_narrow_rows_and_figures(client, city, people):
    client.force_login(city.street)

    response = post(client, RESIDENTS, {"compound": city.compounds["A2"].pk})

    assert exported_names(response) == {"李晓梅"}
    assert set(figures(response)) == {"A2", x.TOTAL}
    info = unzipped(response)
    assert "甲二小区（A2）" in info


def test_a_compound_outside_the_scope_is_ignored_and_named_never_exported(client, city, people):
    client.force_login(city.manager_a)

    response = post(client, RESIDENTS, {"compound": city.compounds["B1"].pk})

    assert exported_names(response) == {"张**", "'=***", "李**"}
    assert "未采用" in unzipped(response)


@pytest.mark.parametrize("who", ["manager_a", "street_staff"])
def test_the_residents_file_holds_no_full_id_number_phone_or_name_without_the_permission(
    client, city, people, street_staff, who
):
    client.force_login(street_staff if who == "street_staff" else city.manager_a)

    content = unzipped(post(client, RESIDENTS, {"moved_out": "on"}))

    assert [secret for secret in SECRETS + NAMES if secret in content] == []
    assert "138****5678" in content and "110***********" in content


def test_a_role_with_the_permission_exports_in_full(client, city, people, settings):
    settings.PERSONAL_DATA_REASON_REQUIRED = False  # as the other tests: no reason asked
    client.force_login(city.community)
    content = unzipped(post(client, RESIDENTS))
    assert all(value in content for value in ("13812345678", f.valid_id_number(1), "张三丰"))


def test_with_a_reason_required_and_none_stated_even_the_committee_gets_it_masked(
    client, city, people, settings
):
    settings.PERSONAL_DATA_REASON_REQUIRED = True
    client.force_login(city.community)
    content = unzipped(post(client, RESIDENTS))
    assert "13812345678" not in content and "张三丰" not in content


def export_entry():
    return LogEntry.objects.filter(additional_data__event=audit.EXPORT).get()


@pytest.mark.parametrize(("who", "in_full"), [("community", True), ("manager_a", False)])
def test_the_residents_export_is_audited(client, city, people, who, in_full):
    client.force_login(getattr(city, who))

    response = post(client, RESIDENTS, {"compound": city.compounds["A1"].pk})

    entry = export_entry()
    assert entry.actor == getattr(city, who)
    assert entry.additional_data["exporter"] == x.RESIDENTS_KEY
    assert entry.additional_data["rows"] == 2
    assert entry.additional_data["personal_data_in_full"] is in_full
    assert "甲一小区（A1）" in entry.additional_data["filter"]
    assert entry.content_type.model == "resident"
    assert entry.cid == response["X-Request-ID"]


def test_nobody_without_the_permission_may_export(client, city, people):
    client.force_login(city.nobody)
    assert client.post(RESIDENTS).status_code == 403
    assert client.post(WORKLIST).status_code == 403
    assert not LogEntry.objects.filter(additional_data__event=audit.EXPORT).exists()


def _more_people(city, n):
    for i in range(n):
        household = f.HouseholdFactory(compound=city.compounds["A1"], building="9", room=f"{i}")
        f.ResidentFactory(household=household, kind=ResidentKind.FLOATING)


#: session, user, savepoint, permissions (1), scope, the filter's streets and communities (its
#: compounds are not read: a chosen one is looked up), the count, the rows, the figures per
#: compound (3) and in total (2), the scope's names, the audit entry, release
RESIDENTS_QUERIES = 17


def test_the_residents_export_costs_the_same_queries_for_few_and_many_residents(
    client, city, people, django_assert_num_queries
):
    client.force_login(city.bureau)
    with django_assert_num_queries(RESIDENTS_QUERIES):
        post(client, RESIDENTS)
    _more_people(city, 15)
    with django_assert_num_queries(RESIDENTS_QUERIES):
        post(client, RESIDENTS)


# --- the work list's export ----------------------------------------------------------------------


FLOATING = x.file_word(ResidentKind.FLOATING.label)


def test_the_work_list_exports_the_unregistered_by_default_with_the_reason(client, city, people):
    client.force_login(city.bureau)

    response = post(client, WORKLIST)

    rows = table(response, x.WORKLIST_SHEET)
    assert [(row[x.ITEM], row[c.NAME], row[x.COMMUNITY], row[c.KIND]) for row in rows] == [
        (
            x._item_label("unregistered"),
            "'=1+2",
            "幸福社区",
            x.choice_label(ResidentKind, "floating"),
        )
    ]
    assert list(rows[0]) == [col.header for col in x.PERSON_COLUMNS]
    assert rows[0][x.DAYS_TO_EXPIRY] is None
    counts = {
        row[x.COUNT_COLUMNS[0].header]: row["数值"] for row in table(response, x.COUNTS_SHEET)
    }
    assert counts == {x._item_label(item): 1 for item in x.WorkItem}


def test_the_expiring_tab_gives_the_days_to_expiry(client, city, people):
    client.force_login(city.bureau)
    rows = table(post(client, WORKLIST, {"item": "expiring"}), x.WORKLIST_SHEET)
    assert [(row[c.NAME], row[x.DAYS_TO_EXPIRY]) for row in rows] == [("李晓梅", 10)]


def test_the_expired_tab_counts_the_days_since_expiry_below_zero(client, city, people):
    client.force_login(city.bureau)
    rows = table(post(client, WORKLIST, {"item": "expired"}), x.WORKLIST_SHEET)
    assert [(row[c.NAME], row[x.DAYS_TO_EXPIRY]) for row in rows] == [("John Smith", -5)]


def test_the_homes_without_a_tenant_carry_their_landlord(client, city, people):
    client.force_login(city.community)
    rows = table(post(client, WORKLIST, {"item": "no_tenant"}), x.WORKLIST_SHEET)
    assert [(r[c.COMPOUND_CODE], r[x.LANDLORD_NAME], r[x.LANDLORD_PHONE]) for r in rows] == [
        ("N1", "王房东", "13900001111")
    ]
    assert rows[0][x.RESIDENTS_RECORDED] == 0


@pytest.mark.parametrize("item", ["unregistered", "expiring", "expired", "no_tenant"])
@pytest.mark.parametrize("who", ["manager_b", "street_staff"])
def test_the_work_list_file_holds_no_full_id_number_phone_or_name_without_the_permission(
    client, city, people, street_staff, who, item
):
    client.force_login(street_staff if who == "street_staff" else city.manager_b)
    content = unzipped(post(client, WORKLIST, {"item": item}))
    assert [secret for secret in SECRETS + NAMES if secret in content] == []


def test_the_work_list_masks_the_landlord_for_a_street_staff_member(
    client, city, people, street_staff
):
    client.force_login(street_staff)
    rows = table(post(client, WORKLIST, {"item": "no_tenant"}), x.WORKLIST_SHEET)
    assert [(r[x.LANDLORD_NAME], r[x.LANDLORD_PHONE]) for r in rows] == [("王**", "139****1111")]


def test_the_work_list_of_a_company_is_its_compounds_only(client, city, people):
    client.force_login(city.manager_b)
    response = post(client, WORKLIST, {"item": "expired"})
    assert [row[c.COMPOUND_CODE] for row in table(response, x.WORKLIST_SHEET)] == ["B1"]
    client.force_login(city.manager_a)
    response = post(client, WORKLIST, {"item": "expired"})
    assert table(response, x.WORKLIST_SHEET) == []


def test_the_work_list_export_is_audited_with_its_tab(client, city, people):
    client.force_login(city.street)

    post(client, WORKLIST, {"item": "expiring", "street": city.streets[0].pk})

    entry = export_entry()
    assert entry.additional_data["exporter"] == x.WORKLIST_KEY
    assert entry.additional_data["rows"] == 1
    assert entry.additional_data["personal_data_in_full"] is True
    assert x._item_label("expiring") in entry.additional_data["filter"]
    assert "和平街道" in entry.additional_data["filter"]


#: as the residents export, with the rows of the tab and its counts for the figures (5): the
#: sum of the compounds' tallies (6 with them computed first, as in a test)
WORKLIST_QUERIES = 18


@pytest.mark.parametrize("item", ["unregistered", "no_tenant"])
def test_the_work_list_export_costs_the_same_queries_for_few_and_many_rows(
    client, city, people, item, django_assert_num_queries
):
    client.force_login(city.street)
    with django_assert_num_queries(WORKLIST_QUERIES):
        post(client, WORKLIST, {"item": item})
    _more_people(city, 15)
    for i in range(5):
        home = f.HouseholdFactory(compound=city.compounds["A2"], building="8", room=f"{i}")
        _rented(home, "钱房东", f"1390000{i:04d}")
    with django_assert_num_queries(WORKLIST_QUERIES):
        post(client, WORKLIST, {"item": item})


def test_a_big_export_becomes_a_job_whose_file_is_masked_likewise(
    client, city, people, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    client.force_login(city.manager_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESIDENTS)

    job = ExportJob.objects.get()
    assert response.status_code == 302 and (job.status, job.rows_done) == (ExportStatus.DONE, 3)
    with zipfile.ZipFile(job.file.path) as book:
        content = b"".join(book.read(name) for name in book.namelist()).decode("utf-8")
    assert [secret for secret in SECRETS + NAMES if secret in content] == []
    assert export_entry().additional_data["job"] == job.pk


def test_an_admin_selection_exports_those_residents_of_the_scope_only(city, people, tmp_path):
    chosen = [people["owner"].pk, people["expired"].pk]  # B1's is outside company A's scope
    ctx = ExportContext(user=city.manager_a, params={"pks": chosen}, today=TODAY)

    rows = write_export(tmp_path / "selection.xlsx", x.ResidentsExporter(), ctx)

    book = load_workbook(tmp_path / "selection.xlsx")
    names = [row[5] for row in book[c.SHEET].iter_rows(min_row=2, values_only=True)]
    codes = [row[0] for row in book[x.FIGURES_SHEET].iter_rows(min_row=2, values_only=True)]
    assert (rows, names, codes) == (1, ["张**"], ["A1", x.TOTAL])


def test_the_pages_export_buttons_post_to_the_same_exporters(client, city, people):
    client.force_login(city.community)
    compound = city.compounds["A1"].pk
    residents = post(client, reverse("communities:resident_export"), {"compound": compound})
    worklist = post(client, reverse("communities:resident_worklist_export"), {"item": "expiring"})
    assert exported_names(residents) == {"张三丰", "'=1+2"}
    assert [row[c.NAME] for row in table(worklist, x.WORKLIST_SHEET)] == ["李晓梅"]
    assert client.get(reverse("communities:resident_export")).status_code == 405
