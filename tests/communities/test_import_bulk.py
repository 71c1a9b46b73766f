"""The register's imports write in bulk (issue 14): statements that do not grow with the rows
(but for one batch per 500 rows), a dry run that writes nothing, still all or nothing, every bad
row named, rows outside the user's scope refused before anything is written."""

import math

import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from import_export.resources import Diff

from communities import models as m
from communities import resources as r
from communities.importing import messages as msg
from communities.importing import scope as in_scope
from communities.importing.base import CHUNK, MaskingDiff
from communities.importing.errors import import_error_lines
from communities.models.companies import MSG_TERM_OVERLAP
from communities.scoping import scope_for
from tests import factories as f
from tests.communities.test_import_resources import TERM_HEADERS, grant, row_error

COMPOUND_HEADERS = ["小区编码", "名称", "社区代码", "地址", "户数", "楼栋数", "建成年份"]
WRITES = ("INSERT", "UPDATE", "DELETE")


def dataset(headers, rows) -> tablib.Dataset:
    data = tablib.Dataset(headers=headers)
    for row in rows:
        data.append(row)
    return data


def compound_rows(n: int, start: int = 0, community: str = "110105001001") -> list[list]:
    return [
        [f"XQ{start + i:05d}", f"新建小区{start + i}", community, f"和平路{i}号", 100 + i, 3, 2001]
        for i in range(n)
    ]


def fresh(user):
    """The user as a new request would load it: scope and permissions not yet read."""
    return type(user).objects.get(pk=user.pk)


def run(user, rows, dry_run=False, resource=r.CompoundResource, headers=COMPOUND_HEADERS):
    result = resource(user=fresh(user)).import_data(
        dataset(headers, rows),
        dry_run=dry_run,
        raise_errors=False,
        rollback_on_validation_errors=True,
    )
    return result, import_error_lines(result)


def statements(user, rows, dry_run) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        result, errors = run(user, rows, dry_run=dry_run)
    assert errors == []
    assert result.totals["new"] == len(rows)
    return [q["sql"] for q in queries.captured_queries]


def batches(rows: int, columns: list) -> int:
    """The statements ``rows`` rows take in batches of ``CHUNK``: as many on PostgreSQL, more
    on SQLite (at most 999 parameters a statement)."""
    size = min(CHUNK, connection.ops.bulk_batch_size(columns, [None] * rows))
    return math.ceil(rows / size)


def inserts(rows: int) -> int:
    """On PostgreSQL one COPY (after one read of the ids), whatever the number of rows."""
    if connection.vendor == "postgresql":
        return 2
    return batches(rows, [f for f in m.Compound._meta.concrete_fields if not f.primary_key])


def writes(sqls: list[str]) -> list[str]:
    return [sql for sql in sqls if sql.lstrip().upper().startswith(WRITES)]


# --- statements ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dry_run", [True, False])
def test_forty_and_four_hundred_compounds_take_the_same_statements(city, dry_run):
    small = statements(city.bureau, compound_rows(40), dry_run)
    big = statements(city.bureau, compound_rows(400, start=1000), dry_run)

    assert len(big) - len(small) == (0 if dry_run else inserts(400) - inserts(40))
    # The lookups: scope, permissions, communities, existing rows, registered codes…
    assert len(small) <= 20
    if not dry_run:
        assert m.Compound.objects.filter(code__startswith="XQ").count() == 440


def test_new_rows_past_one_batch_are_written_together(city):
    small = statements(city.bureau, compound_rows(40), dry_run=False)
    big = statements(city.bureau, compound_rows(1200, start=1000), dry_run=False)

    assert len(big) - len(small) == inserts(1200) - inserts(40)
    written = m.Compound.objects.filter(code__startswith="XQ")
    assert written.count() == 1240
    if connection.vendor == "postgresql":
        assert [sql.split(" (")[0] for sql in big if sql.startswith("COPY")] == [
            'COPY "communities_compound"'
        ]
        assert writes(big) == []  # no INSERT: the COPY wrote all 1,200
    # Stamped as save() would: created and updated when written.
    assert not written.filter(created_at__isnull=True).exists()
    assert sorted(written.values_list("code", flat=True))[1239] == "XQ02199"


def test_a_dry_run_writes_no_row(city):
    before = m.Compound.objects.count()

    sqls = statements(city.bureau, compound_rows(120), dry_run=True)

    assert writes(sqls) == []
    assert m.Compound.objects.count() == before


def test_an_update_of_many_rows_is_one_statement_per_batch(city):
    run(city.bureau, compound_rows(300))
    changed = [[*row[:4], 999, *row[5:]] for row in compound_rows(300)]
    stamped = timezone.now()

    with CaptureQueriesContext(connection) as queries:
        result, errors = run(city.bureau, changed)

    assert errors == []
    assert result.totals["update"] == 300
    # One UPDATE per batch: 500 rows on PostgreSQL, fewer on SQLite (999 parameters; each
    # row sets the 12 columns of the file and updated_at, and gives its id twice).
    updates = batches(300, ["pk", "pk"] + ["column"] * 13)
    assert len(writes([q["sql"] for q in queries.captured_queries])) == updates
    compounds = m.Compound.objects.filter(code__startswith="XQ")
    assert set(compounds.values_list("household_count", flat=True)) == {999}
    # What save() would have done: updated_at moves forward.
    assert all(c.updated_at >= stamped for c in compounds)


# --- all or nothing -----------------------------------------------------------------------------


def test_one_bad_row_among_many_writes_nothing_and_is_named(city):
    rows = compound_rows(200)
    rows[149][6] = "去年"  # sheet row 151

    _result, errors = run(city.bureau, rows)

    assert errors == [
        str(
            msg.MSG_CELL_ERROR.format(
                row=151, column="建成年份", message=msg.MSG_NOT_A_NUMBER.format(value="去年")
            )
        )
    ]
    assert not m.Compound.objects.filter(code__startswith="XQ").exists()


def test_a_dry_run_names_every_bad_row(city):
    rows = compound_rows(50)
    rows[3][2] = "110105009009"  # a community that does not exist
    rows[40][0] = rows[2][0]  # the same code twice

    _result, errors = run(city.bureau, rows, dry_run=True)

    unknown = msg.MSG_UNKNOWN_CODE.format(code="110105009009")
    assert errors == [
        str(msg.MSG_CELL_ERROR.format(row=5, column="社区代码", message=unknown)),
        str(
            msg.MSG_CELL_ERROR.format(
                row=42, column="小区编码", message=msg.MSG_DUPLICATE_IN_FILE.format(row=4)
            )
        ),
    ]


# --- scope --------------------------------------------------------------------------------------


def test_a_row_outside_the_scope_is_refused_by_the_dry_run_already(city):
    # Company A sees community 1 through its compounds, but a new compound there is not its own.
    manager = grant(city.manager_a, "add_compound", "change_compound")
    rows = [["A1", "甲一新名", "110105001001", "", 1, 1, 2001], *compound_rows(3)]

    for dry_run in (True, False):
        _result, errors = run(manager, rows, dry_run=dry_run)
        assert errors == [msg.MSG_OUT_OF_SCOPE.format(row=n) for n in (3, 4, 5)]
    assert m.Compound.objects.get(code="A1").name == "甲一小区"
    assert not m.Compound.objects.filter(code__startswith="XQ").exists()


CAST = ("bureau", "street", "community", "manager_a", "manager_b", "viewer_a", "nobody")


@pytest.mark.parametrize("who", CAST)
def test_the_dry_runs_scope_rule_is_the_one_of_visible_to(city, who):
    """Each row the cast sees, placed under its own parents as a new row, is in the area
    exactly when ``visible_to`` finds it there without the help of its own id."""
    user = fresh(getattr(city, who))
    scope = scope_for(user)
    managed = set(scope.managed_compounds().values_list("pk", flat=True))
    for obj in m.Community.objects.select_related("street"):
        visible = m.Community.objects.visible_to(user).filter(pk=obj.pk).exists()
        through_compounds = m.Compound.objects.filter(community=obj, pk__in=managed).exists()
        if not through_compounds:
            assert in_scope.community_in_area(obj, scope) == visible, (who, obj.code)
    for obj in m.Compound.objects.select_related("community__street"):
        visible = m.Compound.objects.visible_to(user).filter(pk=obj.pk).exists()
        assert (in_scope.compound_in_area(obj, scope) or obj.pk in managed) == visible
    for obj in m.Street.objects.all():
        visible = m.Street.objects.visible_to(user).filter(pk=obj.pk).exists()
        if in_scope.street_in_area(obj, scope):
            assert visible
    for obj in m.ManagementTerm.objects.select_related("compound__community__street"):
        visible = m.ManagementTerm.objects.visible_to(user).filter(pk=obj.pk).exists()
        assert in_scope.term_in_area(obj, scope) == visible, (who, obj.pk)
    for obj in m.PropertyCompany.objects.all():
        visible = m.PropertyCompany.objects.visible_to(user).filter(pk=obj.pk).exists()
        if in_scope.company_in_area(obj, scope) or obj.pk in scope.company_ids:
            assert visible


# --- what save() did ----------------------------------------------------------------------------


def test_households_written_in_bulk_are_normalised_as_save_would(city):
    headers = ["小区编码", "楼栋", "单元", "房号", "居住状态", "户主姓名", "户主电话"]
    rows = [["A1", "８", "1", "１０１", "自住", "王 五", "138 0000 0000"]]
    _result, errors = run(city.community, rows, resource=r.HouseholdResource, headers=headers)
    assert errors == []
    household = m.Household.objects.get(compound=city.compounds["A1"], building="8")
    assert (household.room, household.head_phone) == ("101", "13800000000")


# --- terms --------------------------------------------------------------------------------------


def test_terms_overlapping_each_other_within_the_file_are_refused(city):
    code_a = city.company_a.credit_code
    rows = [
        ["N1", code_a, "2025-01-01", "2025-12-31"],
        ["N1", code_a, "2025-06-01", ""],
        ["N1", code_a, "2026-01-01", ""],
    ]

    _result, errors = run(
        city.bureau, rows, resource=r.ManagementTermResource, headers=TERM_HEADERS
    )

    assert errors == [row_error(3, MSG_TERM_OVERLAP)]
    assert not m.ManagementTerm.objects.filter(compound__code="N1").exists()


def test_terms_are_checked_against_the_database_in_a_fixed_number_of_queries(city):
    code_a = city.company_a.credit_code
    compounds = f.CompoundFactory.create_batch(30, community=city.communities[0])

    def count(n: int) -> int:
        rows = [
            [c.code, code_a, f"2025-01-{i % 28 + 1:02d}", ""] for i, c in enumerate(compounds[:n])
        ]
        with CaptureQueriesContext(connection) as queries:
            _result, errors = run(
                city.bureau,
                rows,
                dry_run=True,
                resource=r.ManagementTermResource,
                headers=TERM_HEADERS,
            )
        assert errors == []
        return len(queries.captured_queries)

    assert count(5) == count(30)


# --- the preview --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right", "new"),
    [
        (["", "0", "a<b", "x"], ["甲", "0", "a<b", ""], True),
        (["甲一小区", "12", "", "是"], ["甲一小区（新）", "13", "2", "是"], False),
        (["", "line\nbreak"], ["", "line\nbreak"], False),
        (["a & b > c", "", "旧\n址"], ["", "<新> & 址", "旧\n址"], False),
        (["x"], ["<b>&amp;</b>\n"], True),
    ],
)
def test_the_previews_diff_is_the_librarys_without_its_cost(left, right, new):
    ours = MaskingDiff.__new__(MaskingDiff)
    theirs = Diff.__new__(Diff)
    for diff in (ours, theirs):
        diff.left, diff.right, diff.new = left, right, new
    assert ours.as_html() == theirs.as_html()


def test_the_preview_shows_each_rows_before_and_after(city):
    run(city.bureau, compound_rows(2))
    rows = compound_rows(3)
    rows[0][4] = 555  # 户数 of XQ00000: 100 → 555
    rows[2][1] = "新<小区> & 二"  # a new row, with text to escape

    result, errors = run(city.bureau, rows, dry_run=True)

    assert errors == []
    headers = result.diff_headers
    changed, same, new = (dict(zip(headers, row.diff, strict=True)) for row in result.rows)
    assert changed["户数"] == (
        '<del style="background:#ffe6e6;">100</del><ins style="background:#e6ffe6;">555</ins>'
    )
    assert changed["名称"] == "<span>新建小区0</span>"
    assert same["户数"] == "<span>101</span>"
    assert new["名称"] == '<ins style="background:#e6ffe6;">新&lt;小区&gt; &amp; 二</ins>'
    assert new["小区编码"] == '<ins style="background:#e6ffe6;">XQ00002</ins>'
    # A preview writes nothing: the stored row keeps its count.
    assert m.Compound.objects.get(code="XQ00000").household_count == 100
    assert not m.Compound.objects.filter(code="XQ00002").exists()


def test_a_resource_overriding_import_field_gets_every_cell(city):
    seen = []

    class Recording(r.CompoundResource):
        def import_field(self, field, instance, row, is_m2m=False, **kwargs):
            seen.append(field.column_name)
            super().import_field(field, instance, row, is_m2m, **kwargs)

    result, errors = run(city.bureau, compound_rows(2), resource=Recording)

    assert errors == []
    assert result.totals["new"] == 2
    every = [field.column_name for field in Recording().get_import_fields()]
    assert sorted(seen) == sorted(every * 2)  # the file's columns and the others alike
    assert set(every) > set(COMPOUND_HEADERS)
    assert m.Compound.objects.get(code="XQ00001").household_count == 101


def test_households_personal_cells_go_through_their_own_rule(city):
    resource = r.HouseholdResource(user=fresh(city.bureau))
    by_attribute = {field.attribute: plain for field, plain in resource._import_plan()}

    assert by_attribute["head_phone"] is False
    assert by_attribute["head_id_number"] is False
    assert by_attribute["building"] is True
    assert by_attribute["compound"] is True
