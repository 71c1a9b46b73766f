"""Import of residents from a roster spreadsheet (admin: upload → preview → confirm): a good
file adds the residents through the services and is audited, an exported file imports back,
one bad row writes nothing and every bad row is named by row and column, and a person living
elsewhere is refused without saying where when that is outside the importer's area."""

import datetime
import hashlib
import io
import re

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from communities import audit
from communities.models import DocumentType, Relation, Resident, ResidentKind
from communities.residents import columns as c
from communities.residents.importing import (
    EXAMPLE_ID_NUMBER,
    HEADERS,
    MSG_COMPOUND_NOT_FOUND,
    MSG_PERSON_TWICE,
    residents_import,
)
from communities.residents.services import MSG_LIVES_ELSEWHERE
from communities.validators import MSG_ID_CHECK, id_number_check_char
from communities.workflow import MSG_NOT_ALLOWED
from tests import factories as f
from tests.factories import valid_id_number
from tests.spreadsheets import sheet_bytes

pytestmark = pytest.mark.django_db

ID_1 = valid_id_number(11, birth="19800101")
ID_2 = valid_id_number(12, birth="19810202")
ID_3 = valid_id_number(13, birth="19820303")


@pytest.fixture(autouse=True)
def _import_tmp_dir(settings, tmp_path):
    settings.IMPORT_TMP_DIR = str(tmp_path / "imports")


@pytest.fixture
def homes(city):
    """Rooms 501–505 of building 3, unit 2 in A1, and 3-2-501 in A2."""
    a1 = {
        room: f.HouseholdFactory(compound=city.compounds["A1"], building="3", unit="2", room=room)
        for room in ("501", "502", "503", "504", "505")
    }
    a2 = f.HouseholdFactory(compound=city.compounds["A2"], building="3", unit="2", room="501")
    return {**{f"A1:{room}": h for room, h in a1.items()}, "A2:501": a2}


def line(compound="A1", room="501", **cells):
    values = {
        c.COMPOUND_CODE: compound,
        c.BUILDING: "3",
        c.UNIT: "2",
        c.ROOM: room,
        c.NAME: "林晓舟",
        c.DOCUMENT_NUMBER: ID_1,
    }
    values.update({getattr(c, key): value for key, value in cells.items()})
    return [values.get(header) for header in HEADERS]


def book(rows, headers=HEADERS) -> bytes:
    return sheet_bytes(headers, rows)


def named(lines) -> set[tuple[int, str]]:
    text = "\n".join(lines)
    found = {(int(n), col) for n, col in re.findall(r"第(\d+)行，“([^”]+)”列", text)}
    return found | {(int(n), col) for n, col in re.findall(r"Row (\d+), column ([^:]+):", text)}


def good_file() -> bytes:
    return book(
        [
            line(RELATION="户主", PHONE="138 0013 8000", MOVED_IN="2019-05-01"),
            line(
                room="502",
                NAME="王雨桐",
                DOCUMENT_NUMBER=ID_2,
                KIND="流动人口",
                RELATION="租户",
                MOVED_IN="2024-03-01",
                REGISTERED_ON="2024-03-10",
                REGISTERED_BY="和平派出所",
                PERMIT_EXPIRES="2027-03-09",
            ),
        ]
    )


def test_a_good_roster_is_previewed_masked_then_confirmed_and_audited(client, city, homes):
    client.force_login(city.community)  # may see personal data: the preview is masked anyway
    content = good_file()
    preview = client.post(
        reverse("admin:communities_resident_import"),
        {"import_file": SimpleUploadedFile("roster.xlsx", content)},
    )
    assert preview.status_code == 200
    assert not preview.context.get("errors")
    assert [row[:5] for row in preview.context["preview"]] == [
        ["A1", "3", "2", "501", "林**"],
        ["A1", "3", "2", "502", "王**"],
    ]
    page = preview.content.decode()
    for secret in (ID_1, ID_2, "林晓舟", "王雨桐"):
        assert secret not in page
    assert ID_1[:3] + "*" * 11 + ID_1[-4:] in page
    assert not Resident.objects.exists()  # the preview writes nothing

    done = client.post(
        reverse("admin:communities_resident_import_confirm"),
        {"import_file_name": preview.context["import_file_name"]},
    )

    assert done.status_code == 302
    owner = Resident.objects.get(id_number=ID_1)
    assert (owner.household, owner.relation, owner.kind) == (
        homes["A1:501"],
        Relation.OWNER,
        ResidentKind.REGISTERED,
    )
    assert (owner.phone, owner.moved_in, owner.created_by) == (
        "13800138000",
        datetime.date(2019, 5, 1),
        city.community,
    )
    tenant = Resident.objects.get(id_number=ID_2)
    assert (tenant.kind, tenant.relation, tenant.registered_by) == (
        ResidentKind.FLOATING,
        Relation.TENANT,
        "和平派出所",
    )
    assert tenant.permit_expires == datetime.date(2027, 3, 9)
    entry = LogEntry.objects.get(additional_data__event=audit.IMPORT)
    assert entry.actor == city.community and entry.content_type.model == "resident"
    assert entry.additional_data["sha256"] == hashlib.sha256(content).hexdigest()
    assert entry.additional_data["rows"] == {"new": 2}
    assert entry.additional_data["result"] == audit.OK
    # Each resident was added by the service: django-auditlog recorded it, masked.
    created = LogEntry.objects.get_for_object(owner).get()
    assert ID_1 not in str(created.changes)


def test_each_bad_row_is_named_by_row_and_column_and_nothing_is_written(city, homes):
    bad_check = ID_3[:17] + ("0" if ID_3[17] != "0" else "1")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    rows = [
        line(),  # 2: good
        line(room="502", DOCUMENT_NUMBER=bad_check),  # 3: wrong check digit
        line(room="503", DOCUMENT_NUMBER=ID_2),  # 4: the same person …
        line(room="504", DOCUMENT_NUMBER=ID_2, DOCUMENT_TYPE="身份证"),  # 5: … again
        line(room="599", DOCUMENT_NUMBER=valid_id_number(21)),  # 6: no such room
        line(compound="B1", DOCUMENT_NUMBER=valid_id_number(22)),  # 7: another company's
        line(compound="ZZ9", DOCUMENT_NUMBER=valid_id_number(23)),  # 8: no such compound
        line(DOCUMENT_NUMBER=float(valid_id_number(24))),  # 9: Excel made it a number
        line(DOCUMENT_NUMBER=valid_id_number(25), PHONE="12345"),  # 10: not a phone
        line(DOCUMENT_NUMBER=valid_id_number(26), MOVED_IN=tomorrow),  # 11: the future
        line(  # 12: a registered resident registers no residence
            DOCUMENT_NUMBER=valid_id_number(27), REGISTERED_ON="2024-01-02", REGISTERED_BY="所"
        ),
        line(DOCUMENT_NUMBER=valid_id_number(28), KIND="游客"),  # 13: no such kind
        line(DOCUMENT_NUMBER=valid_id_number(29), NAME="张*"),  # 14: a masked export's name
        line(DOCUMENT_NUMBER=valid_id_number(30), MOVED_OUT="2024-01-01"),  # 15: moved out
        line(DOCUMENT_NUMBER=valid_id_number(31), KIND="境外人员"),  # 16: abroad, with an ID card
        line(DOCUMENT_NUMBER=valid_id_number(32), NAME=""),  # 17: no name
    ]

    result = residents_import(user=city.manager_a, data=book(rows), commit=True)

    assert not result.committed
    assert named(result.lines) == {
        (3, c.DOCUMENT_NUMBER),
        (4, c.DOCUMENT_NUMBER),
        (5, c.DOCUMENT_NUMBER),
        (6, c.ROOM),
        (7, c.COMPOUND_CODE),
        (8, c.COMPOUND_CODE),
        (9, c.DOCUMENT_NUMBER),
        (10, c.PHONE),
        (11, c.MOVED_IN),
        (12, c.REGISTERED_ON),
        (13, c.KIND),
        (14, c.NAME),
        (15, c.MOVED_OUT),
        (16, c.DOCUMENT_TYPE),
        (17, c.NAME),
    }
    text = "\n".join(result.lines)
    assert str(MSG_ID_CHECK) in text
    assert str(MSG_PERSON_TWICE).format(rows=5) in text
    assert str(MSG_PERSON_TWICE).format(rows=4) in text
    assert "1.1010" in text and "E+17" in text  # the rounded number, as Excel shows it
    assert Resident.objects.count() == 0


def test_a_compound_outside_the_area_reads_as_one_that_does_not_exist(city, homes):
    rows = [line(compound="B1"), line(compound="ZZ9", DOCUMENT_NUMBER=ID_2)]

    result = residents_import(user=city.manager_a, data=book(rows), commit=False)

    other, missing = result.lines
    assert other.endswith(str(MSG_COMPOUND_NOT_FOUND).format(code="B1"))
    assert missing.endswith(str(MSG_COMPOUND_NOT_FOUND).format(code="ZZ9"))
    assert other.replace("B1", "ZZ9").replace("第2行", "第3行").replace("Row 2", "Row 3") == missing


def test_a_person_living_in_the_importers_area_is_named_with_the_place(city, homes):
    f.ResidentFactory(household=homes["A2:501"], id_number=ID_1)

    result = residents_import(user=city.manager_a, data=book([line()]), commit=True)

    assert named(result.lines) == {(2, c.DOCUMENT_NUMBER)}
    assert str(homes["A2:501"]) in result.lines[0]  # 甲二小区 3-2-501
    assert Resident.objects.count() == 1


def test_a_person_living_outside_the_area_is_refused_without_saying_where(city, homes):
    elsewhere = city.households["B1"]
    f.ResidentFactory(household=elsewhere, id_number=ID_1)

    result = residents_import(user=city.manager_a, data=book([line()]), commit=True)

    assert named(result.lines) == {(2, c.DOCUMENT_NUMBER)}
    assert str(MSG_LIVES_ELSEWHERE) in result.lines[0]
    for place in (city.compounds["B1"].name, "B1", elsewhere.room, str(elsewhere)):
        assert place not in result.lines[0]
    assert Resident.objects.count() == 1


def test_data_changed_between_preview_and_confirmation_writes_nothing(client, city, homes):
    client.force_login(city.community)
    preview = client.post(
        reverse("admin:communities_resident_import"),
        {"import_file": SimpleUploadedFile("roster.xlsx", good_file())},
    )
    assert preview.context["preview"]
    f.ResidentFactory(household=homes["A2:501"], id_number=ID_2)  # meanwhile, on the register

    done = client.post(
        reverse("admin:communities_resident_import_confirm"),
        {"import_file_name": preview.context["import_file_name"]},
    )

    assert done.status_code == 200
    assert named(done.context["errors"]) == {(3, c.DOCUMENT_NUMBER)}
    assert list(Resident.objects.values_list("id_number", flat=True)) == [ID_2]
    entry = LogEntry.objects.get(additional_data__event=audit.IMPORT)
    assert entry.additional_data["result"] == audit.FAILED


def test_an_exported_file_imports_back(city, homes):
    people = [
        f.ResidentFactory(household=homes["A1:501"], relation=Relation.OWNER),
        f.ResidentFactory(
            household=homes["A1:502"],
            kind=ResidentKind.FOREIGN,
            document_type=DocumentType.PASSPORT,
            id_number="E12345678",
            relation=Relation.TENANT,
            moved_in=datetime.date(2023, 9, 1),
            registered_on=datetime.date(2023, 9, 5),
            registered_by="和平派出所",
            permit_expires=datetime.date(2024, 9, 4),
        ),
    ]
    rows = [
        c.resident_row(r, shown=True)
        for r in Resident.objects.select_related("household__compound").order_by("pk")
    ]
    exported = book(rows)
    before = [_person(r) for r in people]
    Resident.objects.all().delete()

    result = residents_import(user=city.community, data=exported, commit=True)

    assert result.committed, result.lines
    assert [_person(r) for r in Resident.objects.order_by("pk")] == before


def _person(resident) -> tuple:
    return (
        resident.household_id,
        resident.name,
        resident.document_type,
        resident.id_number,
        resident.phone,
        resident.kind,
        resident.relation,
        resident.moved_in,
        resident.registered_on,
        resident.registered_by,
        resident.permit_expires,
    )


def test_a_masked_export_does_not_import(city, homes):
    resident = f.ResidentFactory(household=homes["A1:501"])
    row = c.resident_row(resident, shown=False)
    resident.delete()

    result = residents_import(user=city.manager_a, data=book([row]), commit=True)

    assert named(result.lines) == {(2, c.NAME), (2, c.DOCUMENT_NUMBER), (2, c.PHONE)}
    assert not Resident.objects.exists()


def test_missing_and_unknown_columns_are_named(city, homes):
    result = residents_import(
        user=city.manager_a,
        data=book([["A1", "3", "501"]], headers=[c.COMPOUND_CODE, c.BUILDING, "备注"]),
        commit=False,
    )
    assert not result.ok and "备注" in result.lines[0]
    result = residents_import(
        user=city.manager_a,
        data=book([["A1", "3", "501"]], headers=[c.COMPOUND_CODE, c.BUILDING, c.ROOM]),
        commit=False,
    )
    assert not result.ok and c.NAME in result.lines[0] and c.DOCUMENT_NUMBER in result.lines[0]


def test_the_template_downloads_with_a_valid_example_that_imports(client, city):
    client.force_login(city.community)
    response = client.get(reverse("admin:communities_resident_import_template"))

    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert list(rows[0]) == HEADERS
    example = dict(zip(rows[0], rows[1], strict=True))
    assert example[c.DOCUMENT_NUMBER] == EXAMPLE_ID_NUMBER
    assert EXAMPLE_ID_NUMBER[17] == id_number_check_char(EXAMPLE_ID_NUMBER[:17])
    assert example[c.COMPOUND_CODE] == "A1"  # the first compound the user sees
    f.HouseholdFactory(compound=city.compounds["A1"], building="1", unit="1", room="101")
    result = residents_import(user=city.community, data=response.content, commit=False)
    assert result.ok, result.lines
    assert not Resident.objects.exists()


def test_a_user_without_the_import_permission_gets_no_import_pages(client, city):
    client.force_login(city.viewer_a)
    for name in ("import", "import_template"):
        assert client.get(reverse(f"admin:communities_resident_{name}")).status_code == 403
    changelist = client.get(reverse("admin:communities_resident_changelist"))
    assert changelist.status_code == 200
    assert reverse("admin:communities_resident_import").encode() not in changelist.content


def test_a_user_who_may_import_but_not_add_residents_is_refused_before_reading(city, homes):
    user = city.viewer_a
    user.user_permissions.add(Permission.objects.get(codename="import_resident"))
    user = type(user).objects.get(pk=user.pk)  # permissions read afresh

    result = residents_import(user=user, data=good_file(), commit=False)

    assert result.lines == [str(MSG_NOT_ALLOWED)] and not result.committed


def test_a_preview_naming_people_outside_the_area_leaves_a_trace(client, city, homes):
    """A file of guessed ID numbers must not tell a company who lives in the district unseen:
    each row found outside its area is a refused access in the audit trail."""
    elsewhere = f.ResidentFactory(household=city.households["B1"], id_number=ID_1)
    client.force_login(city.manager_a)

    preview = client.post(
        reverse("admin:communities_resident_import"),
        {"import_file": SimpleUploadedFile("roster.xlsx", book([line()]))},
    )

    assert preview.status_code == 200
    assert Resident.objects.count() == 1
    entry = LogEntry.objects.get(additional_data__event=audit.ACCESS_REFUSED)
    assert (entry.actor, entry.object_pk) == (city.manager_a, str(elsewhere.pk))
