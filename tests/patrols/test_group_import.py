"""Import of watch groups (admin: upload → preview → confirm): a good file forms the groups,
an exported file imports back, one bad row writes nothing and every bad row is named."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from patrols import group_exporting as x
from patrols.group_importing import HEADERS, groups_import
from patrols.models import WatchGroup, WatchGroupMembership
from tests.spreadsheets import sheet_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _import_tmp_dir(settings, tmp_path):
    settings.IMPORT_TMP_DIR = str(tmp_path / "imports")


@pytest.fixture
def rooms(city, make_rooms):
    """A1 building G5: rooms 101–112 of unit 1 (112 vacant); A2 building G5: 101–105."""
    made = make_rooms(
        city.compounds["A1"], {("G5", "1"): [str(n) for n in range(101, 113)]}, vacant={"G5-1-112"}
    )
    made.update(
        {
            f"A2:{k}": v
            for k, v in make_rooms(
                city.compounds["A2"], {("G5", "1"): [str(n) for n in range(101, 106)]}
            ).items()
        }
    )
    return made


def line(compound="A1", number="1", room="101", **cells):
    values = {
        x.COMPOUND_CODE: compound,
        x.NUMBER_: number,
        x.BUILDING: "G5",
        x.UNIT: "1",
        x.ROOM: room,
    }
    values.update({getattr(x, key): value for key, value in cells.items()})
    return [values.get(header) for header in HEADERS]


def book(rows, headers=HEADERS) -> bytes:
    return sheet_bytes(headers, rows)


def good_file():
    first = [
        line(room=str(n), IS_LEADER="是" if n == 101 else "否", KIND="十户双联")
        for n in range(101, 107)
    ]
    second = [
        line(compound="A2", number="3", room=str(n), FORMED_ON="2024-05-01")
        for n in range(101, 106)
    ]
    return book(first + second)


def test_a_good_file_is_previewed_then_confirmed_in_the_admin(client, city, rooms):
    client.force_login(city.community)
    preview = client.post(
        reverse("admin:patrols_watchgroup_import"),
        {"import_file": SimpleUploadedFile("groups.xlsx", good_file())},
    )
    assert preview.status_code == 200
    assert not preview.context.get("errors")
    assert [row[:4] for row in preview.context["preview"]] == [
        ["A1 甲一小区", "1", "十户双联", 6],
        ["A2 甲二小区", "3", "十户联防", 5],
    ]
    assert not WatchGroup.objects.exists()  # the preview writes nothing
    done = client.post(
        reverse("admin:patrols_watchgroup_import_confirm"),
        {"import_file_name": preview.context["import_file_name"]},
    )
    assert done.status_code == 302
    first = WatchGroup.objects.get(compound=city.compounds["A1"], number="1")
    assert first.kind == "ten_double" and first.leader == rooms["G5-1-101"]
    assert first.memberships.count() == 6
    third = WatchGroup.objects.get(compound=city.compounds["A2"], number="3")
    assert third.formed_on.isoformat() == "2024-05-01"


def test_an_exported_file_imports_back(client, city, rooms, make_group):
    make_group(
        city.manager_a,
        city.compounds["A1"],
        [rooms[f"G5-1-{n}"] for n in range(101, 107)],
        leader=rooms["G5-1-101"],
        number="4",
    )
    client.force_login(city.community)
    exported = client.post(reverse("patrols:group_export")).content
    WatchGroup.objects.all().delete()
    result = groups_import(user=city.community, data=exported, commit=True)
    assert result.ok, result.lines
    again = WatchGroup.objects.get(number="4")
    assert again.memberships.count() == 6 and again.leader == rooms["G5-1-101"]


def test_one_bad_file_writes_nothing_and_names_every_bad_row(city, rooms, make_group):
    make_group(
        city.manager_a,
        city.compounds["A1"],
        [rooms[f"G5-1-{n}"] for n in range(106, 111)],
        number="9",
    )
    rows = [
        line(room="101", IS_LEADER="是"),
        line(room="102", IS_LEADER="是"),  # 3: a second leader
        line(room="103", LEADER_PHONE="12345"),  # 4: not a phone
        line(room="103"),  # 5: twice in the file
        line(room="112"),  # 6: vacant
        line(room="199"),  # 7: no such household
        line(room="106"),  # 8: already in group 9
        line(compound="B1", number="2", room="101"),  # 9: another company's compound
        line(number="9", room="111"),  # 10: group 9 exists already (and too small)
        line(compound="A2", number="5", room="101", FORMED_ON="2999-01-01"),  # 11: the future
        line(compound="A2", number="5", room="102", KIND="联防"),  # 12: not a kind
        line(compound="", room="104"),  # 13: no compound
    ]
    result = groups_import(user=city.manager_a, data=book(rows), commit=True)
    assert not result.committed
    text = "\n".join(result.lines)
    named = {(int(n), c) for n, c in re.findall(r"第(\d+)行，“([^”]+)”列", text)}
    named |= {(int(n), c) for n, c in re.findall(r"Row (\d+), column ([^:]+):", text)}
    assert named == {
        (2, x.IS_LEADER),
        (4, x.LEADER_PHONE),
        (5, x.ROOM),
        (6, x.ROOM),
        (7, x.ROOM),
        (8, x.ROOM),
        (9, x.COMPOUND_CODE),
        (10, x.NUMBER_),
        (11, x.FORMED_ON),
        (12, x.KIND),
        (13, x.COMPOUND_CODE),
        (11, x.NUMBER_),  # group 5 of A2: two households, too few
    }
    assert "G5-1-106" in text and "9" in text  # the household and its group
    assert WatchGroup.objects.count() == 1  # only the one made before
    assert WatchGroupMembership.objects.count() == 5


def test_missing_and_unknown_columns_are_named(city, rooms):
    result = groups_import(
        user=city.manager_a,
        data=book([["A1", "1"]], headers=[x.COMPOUND_CODE, "备注"]),
        commit=False,
    )
    assert not result.ok
    assert "备注" in result.lines[0]


def test_a_user_without_the_import_permission_cannot_import(client, city):
    client.force_login(city.viewer_a)
    assert client.get(reverse("admin:patrols_watchgroup_import")).status_code in (302, 403)
    assert not WatchGroup.objects.exists()


def test_the_template_downloads_and_imports_once_filled_in(client, city, rooms):
    client.force_login(city.community)
    response = client.get(reverse("admin:patrols_watchgroup_import_template"))
    assert response.status_code == 200
    result = groups_import(user=city.community, data=response.content, commit=False)
    # The example names rooms 101, 102, 201, 202, 301 of building 1, unit 1 of A1: the
    # factory's one household (1-1-1xx) is there, the others not.
    assert not result.ok and any(x.ROOM in line for line in result.lines)


def test_the_list_links_to_the_import_and_the_export_for_importers_only(client, city):
    """django-import-export's list template hides the object tools from users who may not add,
    and nobody adds groups in the admin: the links must show all the same."""
    client.force_login(city.community)
    listing = client.get(reverse("admin:patrols_watchgroup_changelist")).content.decode()
    assert reverse("admin:patrols_watchgroup_import") in listing
    assert reverse("admin:patrols_watchgroup_import_template") in listing
    assert 'class="export_link"' in listing
    client.force_login(city.viewer_a)
    listing = client.get(reverse("admin:patrols_watchgroup_changelist")).content.decode()
    assert reverse("admin:patrols_watchgroup_import") not in listing
