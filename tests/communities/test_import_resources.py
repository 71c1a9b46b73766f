"""The register's resources on their own: codes, natural keys, validation, scope, personal data
and the number of queries an import makes."""

import datetime

import pytest
import tablib
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities import models as m
from communities import resources as r
from communities.importing import messages as msg
from communities.importing.errors import import_error_lines
from communities.models.companies import MSG_TERM_OVERLAP
from communities.models.compounds import MSG_TITLE_YEAR
from communities.models.regions import MSG_CODE_PREFIX
from communities.services import membership_set
from communities.validators import MSG_CREDIT_CODE_CHECK, credit_code_check_char
from tests import factories as f


def cell(row: int, column: str, message) -> str:
    return str(msg.MSG_CELL_ERROR.format(row=row, column=column, message=message))


def row_error(row: int, message) -> str:
    return str(msg.MSG_ROW_ERROR.format(row=row, message=message))


def run(resource_cls, user, headers, rows, dry_run=False):
    dataset = tablib.Dataset(headers=headers)
    for row in rows:
        dataset.append(row)
    result = resource_cls(user=user).import_data(
        dataset, dry_run=dry_run, rollback_on_validation_errors=True
    )
    return result, import_error_lines(result)


def credit_code(n: int) -> str:
    """A valid code the factories never make (theirs count up from 91110105…: in a long run
    their sequence reaches any small n)."""
    first17 = f"91110105{900_000_000 + n:09d}"
    return first17 + credit_code_check_char(first17)


def grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return type(user).objects.get(pk=user.pk)  # fresh: no cached permissions


# --- regions ----------------------------------------------------------------------------------


def test_a_street_refers_to_its_district_by_code(city):
    _result, errors = run(
        r.StreetResource,
        city.bureau,
        ["街道代码", "名称", "区县代码"],
        [[110105003, "新华街道", 110105], ["110105004", "东风街道", "999999"]],
    )
    assert errors == [cell(3, "区县代码", msg.MSG_UNKNOWN_CODE.format(code="999999"))]
    assert not m.Street.objects.filter(code__in=["110105003", "110105004"]).exists()

    _result, errors = run(
        r.StreetResource,
        city.bureau,
        ["街道代码", "名称", "区县代码"],
        [[110105003, "新华街道", 110105]],
    )
    assert errors == []
    assert m.Street.objects.get(code="110105003").district == city.district


def test_a_code_must_start_with_its_parents_code(city):
    _result, errors = run(
        r.CommunityResource,
        city.bureau,
        ["社区代码", "名称", "街道代码"],
        [["110105002009", "新社区", "110105001"]],
    )
    assert errors == [cell(2, "社区代码", MSG_CODE_PREFIX.format(parent="110105001"))]


def test_a_new_district_outside_the_users_area_fails_the_whole_import(city):
    _result, errors = run(
        r.DistrictResource,
        city.bureau,
        ["区县代码", "名称"],
        [["110105", "朝阳"], ["110106", "海淀"]],
    )
    assert errors == [msg.MSG_OUT_OF_SCOPE.format(row=3)]
    assert m.District.objects.get(code="110105").name == "朝阳示范区"
    assert not m.District.objects.filter(code="110106").exists()


# --- compounds --------------------------------------------------------------------------------

COMPOUND_HEADERS = [
    "小区编码",
    "名称",
    "社区代码",
    "户数",
    "小区类型",
    "业主委员会",
    "平安小区称号",
    "称号年份",
]


def test_compound_columns_take_the_files_words(city):
    _result, errors = run(
        r.CompoundResource,
        city.bureau,
        COMPOUND_HEADERS,
        [["C1", "新小区", "110105002001", 120.0, "老旧小区", "是", "市级", 2025]],
    )
    assert errors == []
    compound = m.Compound.objects.get(code="C1")
    assert (compound.community, compound.household_count, compound.kind) == (
        city.communities[2],
        120,
        m.CompoundKind.OLD,
    )
    assert (compound.has_owners_committee, compound.title_level, compound.title_year) == (
        True,
        m.SafeTitleLevel.CITY,
        2025,
    )


def test_compound_errors_name_row_column_and_reason(city):
    _result, errors = run(
        r.CompoundResource,
        city.bureau,
        COMPOUND_HEADERS,
        [
            ["C1", "新小区", "110105002001", "12.5", "商品房", "也许", "", ""],
            ["C2", "新小区", "110105002001", "", "商品房", "否", "县级", ""],
        ],
    )
    assert errors == [
        cell(2, "户数", msg.MSG_NOT_A_NUMBER.format(value="12.5")),
        cell(2, "业主委员会", msg.MSG_NOT_YES_NO.format(value="也许")),
        cell(3, "称号年份", MSG_TITLE_YEAR),
    ]
    assert not m.Compound.objects.filter(code__in=["C1", "C2"]).exists()


def test_a_street_office_cannot_reach_another_streets_community(city):
    street = grant(city.street, "add_compound")
    _result, errors = run(
        r.CompoundResource,
        street,
        ["小区编码", "名称", "社区代码"],
        [["C1", "新小区", "110105002001"], ["B1", "乙一", "110105001001"]],
    )
    assert errors == [
        cell(2, "社区代码", msg.MSG_UNKNOWN_CODE.format(code="110105002001")),
        # B1 exists in street 2: not found in scope, so it would be new, and its code is taken.
        cell(3, "小区编码", msg.MSG_ALREADY_REGISTERED),
    ]
    assert m.Compound.objects.get(code="B1").name == "乙一小区"


def test_without_the_add_permission_an_import_only_updates(city):
    _result, errors = run(
        r.CompoundResource,
        city.street,  # street office admin: may change and import compounds, not add them
        ["小区编码", "名称", "社区代码"],
        [["A1", "甲一新名", "110105001001"], ["C1", "新小区", "110105001001"]],
    )
    assert errors == [row_error(3, msg.MSG_NO_ADD_PERMISSION)]

    _result, errors = run(
        r.CompoundResource, city.street, ["小区编码", "名称"], [["A1", "甲一新名"]]
    )
    assert errors == []
    assert m.Compound.objects.get(code="A1").name == "甲一新名"


def test_a_saved_row_the_user_cannot_see_fails_the_import(city):
    # Company A sees community 1 through its compounds, but a new compound there is not its own.
    manager = grant(city.manager_a, "add_compound", "change_compound")
    _result, errors = run(
        r.CompoundResource,
        manager,
        ["小区编码", "名称", "社区代码"],
        [["A1", "甲一新名", "110105001001"], ["C1", "新小区", "110105001001"]],
    )
    assert errors == [msg.MSG_OUT_OF_SCOPE.format(row=3)]
    assert m.Compound.objects.get(code="A1").name == "甲一小区"
    assert not m.Compound.objects.filter(code="C1").exists()


# --- companies and terms ------------------------------------------------------------------------

COMPANY_HEADERS = ["统一社会信用代码", "名称", "区县代码", "联系电话"]


def test_a_property_company_is_keyed_by_its_credit_code(city):
    code_a = city.company_a.credit_code
    bad = credit_code(77)[:17] + ("0" if credit_code(77)[17] != "0" else "1")
    _result, errors = run(
        r.PropertyCompanyResource,
        city.bureau,
        COMPANY_HEADERS,
        [
            [code_a.lower(), "甲物业（更名）", "110105", "010-12345678"],
            [credit_code(78), "丙物业公司", "110105", ""],
            [bad, "丁物业公司", "110105", ""],
            [credit_code(79), "乙物业公司", "110105", ""],
        ],
    )
    assert errors == [
        cell(4, "统一社会信用代码", MSG_CREDIT_CODE_CHECK),
        cell(5, "名称", msg.MSG_ALREADY_REGISTERED),
    ]

    _result, errors = run(
        r.PropertyCompanyResource,
        city.bureau,
        COMPANY_HEADERS,
        [
            [code_a.lower(), "甲物业（更名）", "110105", "010-12345678"],
            [credit_code(78), "丙物业公司", "110105", ""],
        ],
    )
    assert errors == []
    city.company_a.refresh_from_db()
    assert (city.company_a.name, city.company_a.contact_phone) == ("甲物业（更名）", "010-12345678")
    assert m.PropertyCompany.objects.filter(credit_code=credit_code(78)).exists()


TERM_HEADERS = ["小区编码", "统一社会信用代码", "开始日期", "结束日期"]


def test_a_management_term_is_keyed_by_compound_company_and_start(city):
    code_a = city.company_a.credit_code
    rows = [["N1", code_a, "2025/1/1", ""]]
    _result, errors = run(r.ManagementTermResource, city.bureau, TERM_HEADERS, rows)
    assert errors == []

    _result, errors = run(
        r.ManagementTermResource,
        city.bureau,
        TERM_HEADERS,
        [["N1", code_a, "2025-01-01", "2026-12-31"]],
    )
    assert errors == []
    term = m.ManagementTerm.objects.get(compound__code="N1")
    assert (term.start, term.end) == (datetime.date(2025, 1, 1), datetime.date(2026, 12, 31))


def test_overlapping_terms_and_bad_dates_are_errors(city):
    code_b = city.company_b.credit_code
    _result, errors = run(
        r.ManagementTermResource,
        city.bureau,
        TERM_HEADERS,
        [
            ["A1", code_b, "2024-06-01", ""],
            ["N1", code_b, "soon", ""],
            ["N1", "X" * 18, "2024-01-01", ""],
        ],
    )
    assert errors == [
        row_error(2, MSG_TERM_OVERLAP),
        cell(3, "开始日期", msg.MSG_NOT_A_DATE.format(value="soon")),
        cell(4, "统一社会信用代码", msg.MSG_UNKNOWN_CODE.format(code="X" * 18)),
    ]
    assert m.ManagementTerm.objects.count() == 5


# --- households and personal data ------------------------------------------------------------

HOUSEHOLD_HEADERS = ["小区编码", "楼栋", "单元", "房号", "户主姓名", "户主电话", "户主身份证号"]


@pytest.fixture
def staff_a(city):
    """Company A staff: may import households but not see personal data."""
    user = f.UserFactory(username="staff_a")
    membership_set(user=user, organisation=city.org.company_a, role=m.Role.STAFF)
    return type(user).objects.get(pk=user.pk)


def _as_exported(resource_cls, user, household) -> list:
    resource = resource_cls(user=user)
    row = resource.export(queryset=m.Household.objects.filter(pk=household.pk))[0]
    headers = resource.get_export_headers()
    return [row[headers.index(h)] for h in HOUSEHOLD_HEADERS]


def test_reimporting_a_masked_export_leaves_personal_data_unchanged(city, staff_a):
    household = city.households["A1"]
    row = _as_exported(r.HouseholdResource, staff_a, household)
    assert row[4] == "李*"

    _result, errors = run(r.HouseholdResource, staff_a, HOUSEHOLD_HEADERS, [row])

    assert errors == []
    refreshed = m.Household.objects.get(pk=household.pk)
    assert (refreshed.head_name, refreshed.head_phone, refreshed.head_id_number) == (
        household.head_name,
        household.head_phone,
        household.head_id_number,
    )


def test_without_the_personal_data_permission_existing_personal_data_is_read_only(city, staff_a):
    household = city.households["A1"]
    row = _as_exported(r.HouseholdResource, staff_a, household)
    row[5] = "13912345678"

    _result, errors = run(r.HouseholdResource, staff_a, HOUSEHOLD_HEADERS, [row])

    assert errors == [cell(2, "户主电话", msg.MSG_PERSONAL_READ_ONLY)]

    _result, errors = run(
        r.HouseholdResource,
        staff_a,
        HOUSEHOLD_HEADERS,
        [
            ["A1", "8", "1", "801", "赵六", "13912345678", ""],
            ["A1", "8", "1", "802", "钱*", "", ""],
        ],
    )
    assert errors == [cell(3, "户主姓名", msg.MSG_MASKED_VALUE)]


def test_the_preview_masks_personal_data_too(city, staff_a):
    household = city.households["A1"]
    row = _as_exported(r.HouseholdResource, staff_a, household)

    result, _errors = run(r.HouseholdResource, staff_a, HOUSEHOLD_HEADERS, [row], dry_run=True)

    diff = " ".join(str(cell) for cell in result.rows[0].diff)
    assert household.head_id_number not in diff
    assert household.head_phone not in diff
    assert "李*" in diff


def test_a_blank_row_is_skipped_and_row_numbers_stay_those_of_the_sheet(city):
    _result, errors = run(
        r.HouseholdResource,
        city.manager_a,
        HOUSEHOLD_HEADERS,
        [["A1", "8", "1", "801", "", "", ""], [None] * 7, ["Z9", "8", "1", "803", "", "", ""]],
    )
    assert errors == [cell(4, "小区编码", msg.MSG_UNKNOWN_CODE.format(code="Z9"))]


# --- queries -------------------------------------------------------------------------------------


def _household_rows(n: int) -> list[list]:
    return [["A1" if i % 2 else "A2", "20", "1", str(1000 + i), "王五", "", ""] for i in range(n)]


def _count_queries(user_pk: int, rows: list[list]) -> tuple[int, int]:
    user = m.Membership.objects.get(user_id=user_pk).user  # fresh: scope and permissions unread
    with CaptureQueriesContext(connection) as queries:
        result, errors = run(r.HouseholdResource, user, HOUSEHOLD_HEADERS, rows, dry_run=True)
    assert errors == []
    assert result.totals["new"] == len(rows)
    reads = sum(q["sql"].lstrip("(").startswith("SELECT") for q in queries.captured_queries)
    assert not [q for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))]
    return len(queries.captured_queries), reads


def test_an_import_reads_once_per_import_not_once_per_row(city):
    total_100, reads_100 = _count_queries(city.manager_a.pk, _household_rows(100))
    total_200, reads_200 = _count_queries(city.manager_a.pk, _household_rows(200))

    # Reads: the user's scope and permissions (2), the compound lookup, the existing rows, the
    # registered keys. A dry run writes nothing, not even in a transaction rolled back; the
    # rest are the library's (empty) savepoints, as many for 100 rows as for 200.
    assert reads_100 == reads_200 == 5
    assert total_100 == total_200 == 14


def test_an_export_reads_a_fixed_number_of_queries(city):
    f.HouseholdFactory.create_batch(30, compound=city.compounds["A1"])
    bureau = m.Membership.objects.get(user__username="bureau").user

    with CaptureQueriesContext(connection) as queries:
        dataset = r.HouseholdResource(user=bureau).export(queryset=m.Household.objects.all())

    assert len(dataset) == 35
    # The user's scope and personal-data permission (2), then one query for all the rows.
    assert len(queries.captured_queries) == 3
