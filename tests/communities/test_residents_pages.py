"""The residents pages on the workbench: scope, masking, adding, moving out, rented homes, the
work list and the figures, with pinned query counts."""

import datetime

import pytest
import time_machine
from auditlog.models import LogEntry
from django.urls import reverse

from communities import audit
from communities.models import Occupancy, Relation, Resident, ResidentKind
from communities.privacy import mask_id_number, mask_phone
from communities.residents.services import MSG_LIVES_ELSEWHERE
from tests import factories as f

NOW = datetime.datetime(2026, 6, 20, 9, tzinfo=datetime.UTC)
pytestmark = pytest.mark.usefixtures("_frozen")


@pytest.fixture
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def household_url(household):
    return reverse("communities:household_detail", args=[household.pk])


def add_url(household):
    return reverse("communities:resident_add", args=[household.pk])


def form_data(**extra):
    data = {
        "name": "赵新来",
        "document_type": "id_card",
        "id_number": f.valid_id_number(77, "19880512"),
        "phone": "13912345678",
        "kind": "floating",
        "relation": "tenant",
        "moved_in": "2026-05-01",
        "registered_on": "",
        "registered_by": "",
        "permit_expires": "",
    }
    data.update(extra)
    return data


def personal_events():
    return LogEntry.objects.filter(additional_data__event=audit.PERSONAL_DATA_VIEW)


@pytest.fixture
def people(city):
    a1 = city.households["A1"]
    return {
        "owner": f.ResidentFactory(household=a1, name="钱多多", relation=Relation.OWNER),
        "tenant": f.ResidentFactory(
            household=a1,
            name="孙小流",
            kind=ResidentKind.FLOATING,
            relation=Relation.TENANT,
            registered_on=datetime.date(2026, 1, 5),
            registered_by="和平派出所",
            permit_expires=datetime.date(2026, 7, 1),
        ),
        "b1": f.ResidentFactory(household=city.households["B1"], name="周乙乙"),
    }


def test_a_company_sees_its_households_residents_masked_and_nothing_is_audited(
    client, city, people
):
    client.force_login(city.manager_a)
    response = client.get(household_url(city.households["A1"]))
    html = response.content.decode()
    assert response.status_code == 200
    for resident in (people["owner"], people["tenant"]):
        assert resident.id_number not in html and resident.phone not in html
        assert resident.name not in html
        assert mask_id_number(resident.id_number) in html
        assert mask_phone(resident.phone) in html
    assert "钱**" in html
    assert not personal_events().exists()


def test_a_committee_sees_them_in_full_and_the_view_is_audited(client, city, people):
    client.force_login(city.community)
    html = client.get(household_url(city.households["A1"])).content.decode()
    assert people["owner"].id_number in html and "钱多多" in html
    entry = personal_events().get()
    assert entry.actor == city.community
    assert set(entry.additional_data["objects"]) == {
        str(people["owner"].pk),
        str(people["tenant"].pk),
    }


@pytest.mark.parametrize(
    "name,args",
    [
        ("communities:household_detail", "household"),
        ("communities:resident_add", "household"),
        ("communities:household_occupancy", "household"),
        ("communities:resident_edit", "resident"),
        ("communities:compound_households", "compound"),
    ],
)
def test_another_companys_pages_are_404_like_a_missing_id(client, city, people, name, args):
    client.force_login(city.manager_a)
    target = {
        "household": city.households["B1"].pk,
        "resident": people["b1"].pk,
        "compound": "B1",
    }[args]
    missing = {"household": 999999, "resident": 999999, "compound": "NO-SUCH"}[args]
    assert client.get(reverse(name, args=[target])).status_code == 404
    assert client.get(reverse(name, args=[missing])).status_code == 404


def test_moving_out_another_companys_resident_is_404_and_writes_nothing(client, city, people):
    client.force_login(city.manager_a)
    url = reverse("communities:resident_move_out", args=[people["b1"].pk])
    assert client.post(url, {"moved_out": "2026-06-19"}).status_code == 404
    assert Resident.objects.get(pk=people["b1"].pk).moved_out is None


def test_adding_a_resident_on_a_phone_form(client, city):
    client.force_login(city.manager_a)
    household = city.households["A2"]
    response = client.post(add_url(household), form_data())
    assert response.status_code == 302
    resident = Resident.objects.get(household=household)
    assert (resident.name, resident.kind, resident.created_by) == (
        "赵新来",
        ResidentKind.FLOATING,
        city.manager_a,
    )
    page = client.get(household_url(household)).content.decode()
    assert "赵**" in page and "赵新来" not in page
    assert 'data-testid="registration"' in page  # a floating resident: the registration shows


def test_a_bad_check_digit_is_named_and_what_was_typed_is_kept(client, city):
    client.force_login(city.manager_a)
    number = f.valid_id_number(77, "19880512")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    response = client.post(add_url(city.households["A2"]), form_data(id_number=wrong))
    assert response.status_code == 200
    assert not Resident.objects.exists()
    form = response.context["form"]
    assert "id_number" in form.errors
    assert form["name"].value() == "赵新来" and form["id_number"].value() == wrong


def test_a_person_living_elsewhere_in_scope_is_refused_with_the_place(client, city, people):
    client.force_login(city.community)
    data = form_data(id_number=people["owner"].id_number, kind="registered", relation="family")
    response = client.post(add_url(city.households["A2"]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲一小区" in html
    assert Resident.objects.filter(id_number=people["owner"].id_number).count() == 1


def test_a_person_living_outside_scope_is_refused_without_the_place(client, city, people):
    client.force_login(city.manager_a)
    data = form_data(id_number=people["b1"].id_number, kind="registered", relation="family")
    response = client.post(add_url(city.households["A2"]), data)
    html = response.content.decode()
    assert response.status_code == 200
    b1 = city.households["B1"]
    assert "乙一小区" not in html and f"{b1.building}-{b1.unit}-{b1.room}" not in html
    assert response.context["form"].non_field_errors() == [str(MSG_LIVES_ELSEWHERE)]
    assert Resident.objects.filter(id_number=people["b1"].id_number).count() == 1


def test_moving_out_keeps_the_history_and_the_counts_drop(client, city, people):
    client.force_login(city.community)
    household = city.households["A1"]
    url = reverse("communities:resident_move_out", args=[people["tenant"].pk])
    assert client.post(url, {"moved_out": "2026-06-19"}).status_code == 302
    people["tenant"].refresh_from_db()
    assert people["tenant"].moved_out == datetime.date(2026, 6, 19)
    response = client.get(household_url(household))
    assert response.context["counts"].residents == 1
    assert [r.pk for r in response.context["moved_out"]] == [people["tenant"].pk]
    # A second time is refused and changes nothing.
    client.post(url, {"moved_out": "2026-06-20"})
    people["tenant"].refresh_from_db()
    assert people["tenant"].moved_out == datetime.date(2026, 6, 19)


def test_a_future_move_out_date_is_refused(client, city, people):
    client.force_login(city.community)
    url = reverse("communities:resident_move_out", args=[people["tenant"].pk])
    client.post(url, {"moved_out": "2026-06-21"})
    people["tenant"].refresh_from_db()
    assert people["tenant"].moved_out is None


def test_the_household_page_says_where_its_counts_come_from(client, city, people):
    client.force_login(city.community)
    with_roster = client.get(household_url(city.households["A1"]))
    assert with_roster.context["counts"].from_roster is True
    assert with_roster.context["counts"].residents == 2
    typed = client.get(household_url(city.households["A2"]))
    assert typed.context["counts"].from_roster is False
    assert typed.context["counts"].residents == city.households["A2"].residents
    assert 'data-testid="counts-source"' in typed.content.decode()


def test_a_company_edits_the_registration_but_never_reads_the_person_back(client, city, people):
    client.force_login(city.manager_a)
    url = reverse("communities:resident_edit", args=[people["tenant"].pk])
    page = client.get(url).content.decode()
    assert people["tenant"].id_number not in page and "孙小流" not in page
    data = form_data(registered_on="2026-06-18", registered_by="和平派出所")
    for name in ("name", "document_type", "id_number", "phone"):
        data.pop(name)
    data["permit_expires"] = "2027-06-18"
    assert client.post(url, data).status_code == 302
    people["tenant"].refresh_from_db()
    assert people["tenant"].name == "孙小流"
    assert people["tenant"].permit_expires == datetime.date(2027, 6, 18)


def test_a_rented_home_needs_its_landlord_and_shows_it_masked(client, city):
    household = city.households["A2"]
    url = reverse("communities:household_occupancy", args=[household.pk])
    client.force_login(city.manager_a)
    refused = client.post(url, {"occupancy": "rented", "landlord_name": "", "landlord_phone": ""})
    assert refused.status_code == 200
    household.refresh_from_db()
    assert household.occupancy == Occupancy.OWNER
    data = {"occupancy": "rented", "landlord_name": "吴房东", "landlord_phone": "13600001111"}
    assert client.post(url, data).status_code == 302
    household.refresh_from_db()
    assert (household.occupancy, household.landlord_name) == (Occupancy.RENTED, "吴房东")
    html = client.get(household_url(household)).content.decode()
    assert "吴**" in html and "13600001111" not in html and "136****1111" in html
    # Left empty by a company that sees it masked, the landlord on record is kept.
    client.post(url, {"occupancy": "rented", "landlord_name": "", "landlord_phone": ""})
    household.refresh_from_db()
    assert household.landlord_phone == "13600001111"
    # No longer let: the landlord's data goes.
    client.post(url, {"occupancy": "owner"})
    household.refresh_from_db()
    assert (household.landlord_name, household.landlord_phone) == ("", "")


def test_the_work_list_tabs_mask_and_scope(client, city, people):
    f.ResidentFactory(household=city.households["A2"], kind=ResidentKind.FLOATING, name="郑未登")
    outside = f.ResidentFactory(
        household=city.households["B1"], kind=ResidentKind.FLOATING, name="王外区"
    )
    client.force_login(city.manager_a)
    url = reverse("communities:resident_worklist")
    response = client.get(url)
    html = response.content.decode()
    assert [r.household.compound.code for r in response.context["rows"]] == ["A2"]
    assert "郑未登" not in html and "郑**" in html
    assert f'data-resident="{outside.pk}"' not in html and "王**" not in html
    counts = {value: count for value, _label, count in response.context["tabs"]}
    assert counts == {"unregistered": 1, "expiring": 1, "expired": 0, "no_tenant": 0}
    expiring = client.get(url, {"item": "expiring"})
    assert [r.pk for r in expiring.context["rows"]] == [people["tenant"].pk]


def test_the_overview_figures_by_community(client, city, people):
    client.force_login(city.street)
    response = client.get(reverse("communities:resident_overview"))
    assert response.status_code == 200
    total = response.context["total"]
    assert (total.rate.present, total.rate.registered) == (1, 1)
    rows = {place.code: figures for place, figures in response.context["rows"]}
    assert rows[city.communities[0].code].rate.rate == 1.0
    by_compound = client.get(reverse("communities:resident_overview"), {"by": "compound"})
    codes = [place.code for place, _ in by_compound.context["rows"]]
    assert codes == ["A1", "A2", "B2", "N1"]


def _grow(city, n=30):
    for i in range(n):
        household = f.HouseholdFactory(compound=city.compounds["A1"], building=f"G{i}")
        f.ResidentFactory(household=household, kind=ResidentKind.FLOATING)
        f.ResidentFactory(household=household)


@pytest.mark.parametrize(
    "page,pinned",
    [
        ("overview", 16),  # with the tallies computed first (marked: never committed here)
        ("households", 12),
        ("household", 12),
        ("worklist", 18),  # the same
    ],
)
def test_query_counts_do_not_grow_with_rows(
    client, city, people, page, pinned, django_assert_max_num_queries
):
    f.ResidentFactory(household=city.households["A2"], kind=ResidentKind.FLOATING)
    client.force_login(city.manager_a)
    url = {
        "overview": reverse("communities:resident_overview"),
        "households": reverse("communities:compound_households", args=["A1"]),
        "household": household_url(city.households["A1"]),
        "worklist": reverse("communities:resident_worklist"),
    }[page]
    with django_assert_max_num_queries(pinned) as small:
        assert client.get(url).status_code == 200
    _grow(city)
    for _i in range(5):
        f.ResidentFactory(household=city.households["A1"], kind=ResidentKind.FLOATING)
    with django_assert_max_num_queries(pinned) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_occupancy_form_showing_the_landlord_in_full_is_audited(client, city):
    household = city.households["A2"]
    household.occupancy = Occupancy.RENTED
    household.landlord_name, household.landlord_phone = "吴房东", "13600001111"
    household.save()
    url = reverse("communities:household_occupancy", args=[household.pk])

    client.force_login(city.manager_a)  # masked: nothing to record
    html = client.get(url).content.decode()
    assert "吴房东" not in html and "13600001111" not in html and "136****1111" in html
    assert not personal_events().exists()

    client.force_login(city.community)  # in full: recorded before the page leaves
    html = client.get(url).content.decode()
    assert "吴房东" in html and "13600001111" in html
    entry = personal_events().get()
    assert entry.actor == city.community
    assert entry.object_pk == str(household.pk)
    assert entry.additional_data["fields"] == ["landlord_name", "landlord_phone"]


def test_the_low_rate_and_warning_badges_are_styled():
    """The guide says a 列管率 under 90 % and the 未登记 / no-tenant badges stand out: their
    classes must have a style, not only a name."""
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text(encoding="utf-8")
    for selector in (".num--low", ".badge--warn"):
        assert selector in css, selector


def test_no_full_id_number_phone_or_name_in_the_work_list_or_edit_form_bytes(client, city, people):
    """The issue's rule for every page: a role without the permission gets bytes with no full
    ID number, phone or name — each person tab of the work list and the edit form."""
    expired = f.ResidentFactory(
        household=city.households["A2"],
        name="冯过期",
        phone="13700002222",
        kind=ResidentKind.FLOATING,
        registered_on=datetime.date(2025, 1, 5),
        registered_by="和平派出所",
        permit_expires=datetime.date(2026, 6, 1),
    )
    unregistered = f.ResidentFactory(
        household=city.households["A2"],
        name="郑未登",
        phone="13700003333",
        kind=ResidentKind.FLOATING,
    )
    client.force_login(city.manager_a)
    url = reverse("communities:resident_worklist")
    shown = {}
    for item in ("unregistered", "expiring", "expired"):
        response = client.get(url, {"item": item})
        shown.update({r.pk: response.content for r in response.context["rows"]})
    assert set(shown) == {unregistered.pk, people["tenant"].pk, expired.pk}  # a real control
    for person in (unregistered, people["tenant"], expired):
        content = shown[person.pk]
        for secret in (person.id_number, person.phone, person.name):
            assert secret.encode() not in content, secret
        assert mask_phone(person.phone).encode() in content
    edit = client.get(reverse("communities:resident_edit", args=[people["tenant"].pk])).content
    for secret in (people["tenant"].id_number, people["tenant"].phone, people["tenant"].name):
        assert secret.encode() not in edit, secret


def test_looking_up_a_person_outside_the_scope_leaves_a_trace(client, city, people):
    """The refusal says nothing of where; the audit trail records who asked after whom."""
    client.force_login(city.manager_a)
    data = form_data(id_number=people["b1"].id_number, kind="registered", relation="family")
    client.post(add_url(city.households["A2"]), data)
    entry = LogEntry.objects.get(additional_data__event=audit.ACCESS_REFUSED)
    assert (entry.actor, entry.object_pk) == (city.manager_a, str(people["b1"].pk))
    assert entry.content_type.model == "resident"
    # Inside the scope the refusal names the place and is no refused access.
    client.force_login(city.bureau)
    assert "乙一小区" in client.post(add_url(city.households["A2"]), data).content.decode()
    assert LogEntry.objects.filter(additional_data__event=audit.ACCESS_REFUSED).count() == 1


def test_a_masked_landlord_is_kept_only_when_both_fields_are_left_empty(client, city):
    household = city.households["A2"]
    household.occupancy = Occupancy.RENTED
    household.landlord_name, household.landlord_phone = "吴房东", "13600001111"
    household.save()
    client.force_login(city.manager_a)
    url = reverse("communities:household_occupancy", args=[household.pk])
    # A new name without a phone is refused, not saved beside the old landlord's phone.
    refused = client.post(url, {"occupancy": "rented", "landlord_name": "郑新东"})
    assert refused.status_code == 200
    household.refresh_from_db()
    assert (household.landlord_name, household.landlord_phone) == ("吴房东", "13600001111")


def test_a_resident_recorded_by_mistake_is_deleted_by_a_role_that_may(client, city, people):
    url = reverse("communities:resident_delete", args=[people["owner"].pk])
    client.force_login(city.viewer_a)
    assert client.post(url).status_code == 403
    client.force_login(city.manager_a)
    assert (
        'data-testid="delete-resident"'
        in client.get(household_url(city.households["A1"])).content.decode()
    )
    assert client.post(url).status_code == 302
    assert not Resident.objects.filter(pk=people["owner"].pk).exists()
    assert Resident.objects.filter(pk=people["b1"].pk).exists()
