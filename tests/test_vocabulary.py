"""One vocabulary: every spreadsheet the site writes (every registered exporter, the register's
import templates, the screening ledger's template) uses the words of the zh-hans catalogue for
its headers and its choice cells, and every choice label, the stored value and the older
spellings read back through the importers."""

import datetime
import io
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from communities import models as cm
from communities import resources as cr
from communities.exports import ExportContext, exporters
from communities.exports.writer import INFO_SHEET, write_export
from communities.importing.template import import_template_bytes
from communities.importing.widgets import ChoiceWidget
from communities.residents.worklist import WorkItem
from disputes import resources as dr
from disputes import services as ds
from disputes.importing import _category, _level, _source, ledger_import, ledger_template_bytes
from disputes.models import Category, Level, PartyRole, Source, Status
from inspections import resources as ir
from inspections import services as ins
from inspections.exporting import INSPECTION_COLUMNS
from inspections.models import (
    HazardCategory,
    HazardSource,
    HazardStatus,
    InspectionKind,
    InspectionStatus,
    Result,
    Severity,
)
from tests import factories as f
from tests.disputes.conftest import PARTIES
from tests.inspections.conftest import PERIOD, fill_check
from tests.test_translations import PO, _entries

REGISTER_RESOURCES = [
    cr.DistrictResource,
    cr.StreetResource,
    cr.CommunityResource,
    cr.CompoundResource,
    cr.PropertyCompanyResource,
    cr.ManagementTermResource,
    cr.HouseholdResource,
]

# The columns of each exporter that hold a choice (the other columns hold data).
CHOICE_COLUMNS = {
    "communities.compound": {
        "小区类型": cm.CompoundKind,
        "管理模式": cm.ManagementMode,
        "平安小区称号": cm.SafeTitleLevel,
    },
    "communities.household": {"居住状态": cm.Occupancy},
    "communities.residents": {
        "证件类型": cm.DocumentType,
        "人员类别": cm.ResidentKind,
        "与户主关系": cm.Relation,
    },
    "communities.registration_worklist": {"事项": WorkItem, "人员类别": cm.ResidentKind},
    "disputes.cases": {
        "角色": PartyRole,  # the parties' sheet
        "纠纷类别": Category,
        "来源": Source,
        "层级": Level,
        "状态": Status,
    },
    "inspections.inspections": {
        "类别": InspectionKind,
        "状态": InspectionStatus,
        "检查结果": Result,
    },
    "inspections.hazards": {
        "来源": HazardSource,
        "隐患类别": HazardCategory,
        "严重程度": Severity,
        "状态": HazardStatus,
    },
}


@pytest.fixture(scope="module")
def catalogue() -> set[str]:
    return {e["msgstr"] for e in _entries(PO.read_text(encoding="utf-8")) if e.get("msgstr")}


def _not_in(catalogue, words) -> list[str]:
    return sorted({str(word) for word in words if word not in (None, "")} - catalogue)


@pytest.fixture
def records(city, db):
    """A dispute case, a check and a hazard, so every exporter writes choice cells."""
    case = ds.case_register(
        actor=city.manager_a,
        compound=city.compounds["A1"],
        category=Category.RENOVATION,
        source=Source.RESIDENT,
        level=Level.COMMUNITY,
        description="楼上装修",
        parties=PARTIES,
    )
    ds.case_escalate(case=case, actor=city.manager_a, reason="物业无法调解")
    check = ins.inspection_open(compound=city.compounds["A1"], period=PERIOD, actor=None)
    fill_check(check, city.manager_a)
    ins.inspection_submit(inspection=check, actor=city.manager_a)
    ins.hazard_raise(
        compound=city.compounds["A1"],
        actor=city.street,
        category=HazardCategory.PUBLIC_ORDER,
        description="门岗无人",
        responsible_party="物业",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
    )
    # A floating resident not registered, so the residents' and the work list's files hold
    # every choice column.
    f.ResidentFactory(
        household=city.households["A1"], kind=cm.ResidentKind.FLOATING, relation="tenant"
    )
    return case


def _book(exporter, user):
    ctx = ExportContext(user=user, today=timezone.localdate())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.xlsx"
        with translation.override("en"):  # the file is Chinese whoever asks
            write_export(path, exporter, ctx)
        return load_workbook(path)


def test_every_export_speaks_the_catalogue(city, records, catalogue):
    keys = set(exporters())
    assert {"disputes.cases", "inspections.inspections", "inspections.hazards"} <= keys
    problems = []
    for key, exporter in exporters().items():
        book = _book(exporter, city.bureau)
        for sheet in book.worksheets:
            if sheet.title == INFO_SHEET:
                continue
            # The header row is above the frozen panes (a summary has title rows above it).
            rows = list(sheet.iter_rows(values_only=True))[int(sheet.freeze_panes[1:]) - 2 :]
            headers = [h for h in rows[0] if h]
            if key == "inspections.inspections":  # item columns «SY-1 有场所» are data
                headers = headers[: len(INSPECTION_COLUMNS)]
            problems += [(key, "header", word) for word in _not_in(catalogue, headers)]
            for header, choices in CHOICE_COLUMNS.get(key, {}).items():
                if sheet.title == dr.FIGURES_SHEET or header not in rows[0]:
                    continue
                index = list(rows[0]).index(header)
                cells = [row[index] for row in rows[1:] if row[index]]
                assert cells, (key, header)  # the records fill every choice column
                problems += [(key, header, c) for c in cells if c not in _labels_zh(choices)]
                problems += [(key, header, word) for word in _not_in(catalogue, cells)]
    assert problems == [], "\n".join(map(str, problems))


def _labels_zh(choices):
    with translation.override("zh-hans"):
        return [str(label) for _value, label in choices.choices]


def test_the_dispute_export_writes_the_screen_words(city, records, catalogue):
    book = _book(exporters()["disputes.cases"], city.bureau)
    rows = list(book[dr.CASES_SHEET].iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["纠纷类别"], row["状态"], row["上交次数"]) == ("装修纠纷", "已上交", 1)
    figures = list(book[dr.FIGURES_SHEET].iter_rows(values_only=True))
    assert _not_in(catalogue, figures[0]) == []
    breakdown = {row[1] for row in figures[1:] if row[1]}
    assert {"装修纠纷", "噪声扰民", "劳资纠纷", "已上交"} - breakdown == {"已上交"}
    assert _not_in(catalogue, breakdown) == []


def test_import_templates_speak_the_catalogue(city, catalogue):
    for resource_class in REGISTER_RESOURCES:
        book = load_workbook(io.BytesIO(import_template_bytes(resource_class(user=city.bureau))))
        headers, example = list(book.worksheets[1].iter_rows(values_only=True))[:2]
        assert _not_in(catalogue, headers) == [], resource_class
        for field in resource_class(user=city.bureau).get_export_fields():
            if isinstance(field.widget, ChoiceWidget):
                value = example[list(headers).index(field.column_name)]
                assert value in _labels_zh(field.widget.reader.choices), field.column_name
    with translation.override("en"):
        book = load_workbook(io.BytesIO(ledger_template_bytes(city.street)))
    for sheet in book.worksheets:
        headers = next(sheet.iter_rows(values_only=True))
        if sheet.title != dr.HELP_SHEET:
            assert _not_in(catalogue, headers) == [], sheet.title
    example = dict(zip(*list(book[dr.EXAMPLE_SHEET].iter_rows(values_only=True)), strict=True))
    assert (example[dr.CATEGORY], example[dr.SOURCE]) == ("噪声扰民", "排查")
    help_text = {row[0]: row[2] for row in book[dr.HELP_SHEET].iter_rows(values_only=True)}
    assert "装修纠纷" in help_text[dr.CATEGORY]
    assert "也接受：装修" in help_text[dr.CATEGORY]


READERS = [
    (ChoiceWidget(Category, dr.CATEGORY_ALIASES), Category),
    (_category, Category),
    (_source, Source),
    (_level, Level),
    (dr.STATUS_READER, Status),
    (ir.KIND_READER, InspectionKind),
    (ir.STATUS_READER, InspectionStatus),
    (ir.RESULT_READER, Result),
    (ir.SOURCE_READER, HazardSource),
    (ir.CATEGORY_READER, HazardCategory),
    (ir.SEVERITY_READER, Severity),
    (ir.HAZARD_STATUS_READER, HazardStatus),
]


def _read(reader, text):
    return reader.clean(text) if isinstance(reader, ChoiceWidget) else reader.read(text)


@pytest.mark.parametrize(("reader", "choices"), READERS)
def test_every_label_and_value_reads_back(reader, choices):
    for value, label in choices.choices:
        for language in ("zh-hans", "en"):
            with translation.override(language):
                assert _read(reader, str(label)) == value
        assert _read(reader, value) == value


def test_the_register_widgets_read_labels_values_and_older_words():
    resource = cr.CompoundResource()
    fields = {f.column_name: f.widget for f in resource.get_export_fields()}
    for header, choices in CHOICE_COLUMNS["communities.compound"].items():
        for value, label in choices.choices:
            with translation.override("zh-hans"):
                assert fields[header].clean(str(label)) == value
                assert fields[header].render(value) == str(label)
    assert fields["小区类型"].clean("商品房") == cm.CompoundKind.COMMODITY
    assert fields["管理模式"].clean("物业公司") == cm.ManagementMode.PROPERTY_COMPANY
    assert fields["管理模式"].clean("无物业") == cm.ManagementMode.NONE


OLDER_SPELLINGS = [
    (dr.CATEGORY_ALIASES, _category),
    (ir.CATEGORY_ALIASES, ir.CATEGORY_READER),
    (ir.KIND_ALIASES, ir.KIND_READER),
    (dr.STATUS_ALIASES, dr.STATUS_READER),
]


@pytest.mark.parametrize(("aliases", "reader"), OLDER_SPELLINGS)
def test_the_older_spellings_read(aliases, reader):
    for word, value in aliases.items():
        assert _read(reader, word) == value


def _ledger(rows) -> bytes:
    from communities.exporting import xlsx_bytes

    headers = [dr.COMPOUND, dr.CATEGORY, dr.DESCRIPTION, dr.APPLICANT]
    return xlsx_bytes([(dr.LEDGER_SHEET, headers, rows)])


def test_the_ledger_imports_the_screen_word_and_the_older_one(city):
    data = _ledger(
        [
            ["A1", "装修", "楼上装修", "王小明"],
            ["A1", "装修纠纷", "楼上装修", "王小明"],
            ["A1", "噪声", "夜间噪声", "王小明"],
            ["A1", "劳资纠纷", "欠薪", "王小明"],
        ]
    )
    result = ledger_import(user=city.street, data=data, commit=True)
    assert result.ok, result.error_lines()
    from disputes.models import DisputeCase

    categories = [DisputeCase.objects.get(number=n).category for n in result.case_numbers]
    assert categories == [
        Category.RENOVATION,
        Category.RENOVATION,
        Category.NOISE,
        Category.LABOUR,
    ]


def test_the_screen_words_are_the_fuller_ones():
    with translation.override("zh-hans"):
        assert [str(Category(v).label) for v in ("renovation", "noise", "labour", "parking")] == [
            "装修纠纷",
            "噪声扰民",
            "劳资纠纷",
            "停车纠纷",
        ]
        assert str(Category.LAND.label) == "土地纠纷"
        assert str(Status.ESCALATED.label) == "已上交"
        assert str(Status.CLOSED_UNRESOLVED.label) == "未化解结案"
        assert str(HazardCategory.PUBLIC_ORDER.label) == "治安秩序"
