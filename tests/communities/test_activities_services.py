"""Activity services: one place (a compound or a community), no future date, who may record
where, photos (checked, limited), changing and deleting; and the scoping rule for every member
of the cast."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from communities.activities import services
from communities.models import Activity, ActivityKind, ActivityPhoto, ManagementTerm, Role
from communities.scoping import forget_scope
from communities.services import membership_set
from communities.workflow import WorkflowError
from tests import factories as f
from tests.conftest import EXPECTED_COMPOUNDS
from tests.inspections.conftest import png_upload

from .activity_helpers import record, today


def test_an_activity_is_recorded_for_the_organisation_that_acts_for_the_compound(city):
    activity = record(city.manager_a, compound=city.compounds["A1"], note=" 发放资料 ")

    assert activity.pk is not None
    assert activity.organisation == city.org.company_a
    assert activity.created_by == city.manager_a
    assert activity.note == "发放资料"
    assert activity.is_legal_education


def test_a_community_committee_records_for_its_whole_community(city):
    community = city.communities[0]

    activity = record(city.community, community=community, kind=ActivityKind.FIRE_DRILL)

    assert activity.place == community
    assert activity.organisation == city.org.community
    assert not activity.is_legal_education


def test_both_a_compound_and_a_community_are_refused(city):
    with pytest.raises(ValidationError):
        record(city.bureau, compound=city.compounds["A1"], community=city.communities[0])
    assert not Activity.objects.exists()


def test_neither_a_compound_nor_a_community_is_refused(city):
    with pytest.raises(ValidationError):
        record(city.bureau)
    assert not Activity.objects.exists()


def test_the_database_refuses_an_activity_in_two_places_or_none(city):
    for places in (
        {"compound": city.compounds["A1"], "community": city.communities[0]},
        {},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Activity.objects.create(
                kind=ActivityKind.FIRE_DRILL,
                date=today(),
                title="演练",
                participants=3,
                organiser="物业",
                **places,
            )


def test_a_date_in_the_future_is_refused(city):
    tomorrow = today() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        record(city.manager_a, compound=city.compounds["A1"], date=tomorrow)

    assert "date" in refused.value.message_dict
    assert not Activity.objects.exists()


def test_a_date_before_2000_is_refused(city):
    with pytest.raises(ValidationError):
        record(city.manager_a, compound=city.compounds["A1"], date=datetime.date(1999, 12, 31))


def test_too_many_participants_are_refused(city):
    with pytest.raises(ValidationError):
        record(city.manager_a, compound=city.compounds["A1"], participants=100_001)


@pytest.mark.parametrize(
    ("who", "where", "allowed"),
    [
        ("manager_a", "A1", True),
        ("manager_a", "B1", False),
        ("manager_a", "N1", False),  # in its community, but not run by company A
        ("manager_b", "A1", False),  # ran A1 once: no longer
        ("viewer_a", "A1", False),  # a viewer reads only
        ("community", "A1", True),
        ("community", "B2", False),
        ("street", "B2", True),
        ("street", "B1", False),
        ("bureau", "B1", True),
        ("nobody", "A1", False),
    ],
)
def test_who_may_record_in_a_compound(city, who, where, allowed):
    actor = getattr(city, who)
    if allowed:
        assert record(actor, compound=city.compounds[where]).pk
    else:
        with pytest.raises(WorkflowError):
            record(actor, compound=city.compounds[where])
        assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("who", "community", "allowed"),
    [
        ("manager_a", 0, False),  # a company records its compounds' activities only
        ("community", 0, True),
        ("community", 1, False),
        ("street", 1, True),
        ("street", 2, False),
        ("bureau", 2, True),
    ],
)
def test_who_may_record_for_a_whole_community(city, who, community, allowed):
    actor = getattr(city, who)
    place = city.communities[community]
    if allowed:
        assert record(actor, community=place).pk
    else:
        with pytest.raises(WorkflowError):
            record(actor, community=place)


def _update(activity, actor, **changes):
    values = {
        "kind": activity.kind,
        "date": activity.date,
        "title": activity.title,
        "participants": activity.participants,
        "organiser": activity.organiser,
        "compound": activity.compound,
        "community": activity.community,
        "note": activity.note,
    }
    values.update(changes)
    return services.activity_update(activity=activity, actor=actor, **values)


def test_the_company_changes_its_compounds_activity(city):
    activity = record(city.community, compound=city.compounds["A1"])

    _update(activity, city.manager_a, participants=45, title="普法讲座")

    activity.refresh_from_db()
    assert (activity.participants, activity.title) == (45, "普法讲座")


def test_another_company_may_not_change_it_nor_move_it_into_its_compound(city):
    activity = record(city.manager_a, compound=city.compounds["A1"])

    with pytest.raises(WorkflowError):
        _update(activity, city.manager_b, participants=1)
    with pytest.raises(WorkflowError):
        _update(activity, city.manager_a, compound=city.compounds["B1"])
    activity.refresh_from_db()
    assert (activity.participants, activity.compound.code) == (30, "A1")


def test_a_company_only_reads_its_communitys_own_activity(city):
    activity = record(city.community, community=city.communities[0])

    assert Activity.objects.visible_to(city.manager_a).filter(pk=activity.pk).exists()
    assert not services.may_change(city.manager_a, activity)
    with pytest.raises(WorkflowError):
        _update(activity, city.manager_a, participants=1)
    with pytest.raises(WorkflowError):
        services.activity_delete(activity=activity, actor=city.manager_a)


def test_a_viewer_may_neither_change_nor_delete(city):
    activity = record(city.manager_a, compound=city.compounds["A1"])

    with pytest.raises(WorkflowError):
        _update(activity, city.viewer_a, participants=1)
    with pytest.raises(WorkflowError):
        services.activity_delete(activity=activity, actor=city.viewer_a)
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_a_change_to_a_future_date_is_refused(city):
    activity = record(city.manager_a, compound=city.compounds["A1"])

    with pytest.raises(ValidationError):
        _update(activity, city.manager_a, date=today() + datetime.timedelta(days=3))
    activity.refresh_from_db()
    assert activity.date == today()


def test_photos_are_stored_by_content_with_a_thumbnail(city):
    activity = record(city.manager_a, compound=city.compounds["A1"])

    photo = services.activity_photo_add(
        activity=activity, actor=city.manager_a, upload=png_upload("我的照片.exe")
    )

    assert photo.content_type == "image/png"
    assert photo.file.name.endswith(".png") and "我的照片" not in photo.file.name
    assert photo.thumbnail


def test_a_pdf_is_no_photo(city):
    from tests.disputes.conftest import pdf_upload

    activity = record(city.manager_a, compound=city.compounds["A1"])

    with pytest.raises(WorkflowError):
        services.activity_photo_add(activity=activity, actor=city.manager_a, upload=pdf_upload())
    assert not ActivityPhoto.objects.exists()


def test_the_number_of_photos_is_limited_by_the_setting(city, settings):
    settings.ACTIVITY_PHOTOS_MAX = 2
    activity = record(city.manager_a, compound=city.compounds["A1"])
    for _ in range(2):
        services.activity_photo_add(activity=activity, actor=city.manager_a, upload=png_upload())

    with pytest.raises(WorkflowError):
        services.activity_photo_add(activity=activity, actor=city.manager_a, upload=png_upload())
    assert activity.photos.count() == 2


def test_photos_given_at_recording_are_added_and_too_many_refuse_the_whole(city, settings):
    settings.ACTIVITY_PHOTOS_MAX = 1
    a1 = city.compounds["A1"]

    assert record(city.manager_a, compound=a1, photos=[png_upload()]).photos.count() == 1
    with pytest.raises(WorkflowError), transaction.atomic():
        record(city.manager_a, compound=a1, title="第二次", photos=[png_upload(), png_upload()])
    assert not Activity.objects.filter(title="第二次").exists()


def test_deleting_an_activity_deletes_its_photos_and_their_files(
    city, django_capture_on_commit_callbacks
):
    activity = record(city.manager_a, compound=city.compounds["A1"])
    photo = services.activity_photo_add(
        activity=activity, actor=city.manager_a, upload=png_upload()
    )
    storage, name = photo.file.storage, photo.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.activity_delete(activity=activity, actor=city.manager_a)

    assert not Activity.objects.exists() and not ActivityPhoto.objects.exists()
    assert not storage.exists(name)


# The scoping rule ------------------------------------------------------------------------------

# Communities (by position in city.communities) whose own activities each member sees: their
# area's, or for a company those holding a compound it runs today.
EXPECTED_COMMUNITIES = {
    "bureau": {0, 1, 2},
    "street": {0, 1},
    "community": {0},
    "manager_a": {0},
    "manager_b": {1, 2},
    "viewer_a": {0},
    "nobody": set(),
}


@pytest.fixture
def everywhere(city):
    """An activity in every compound and one of every community (with a photo each)."""
    made = {}
    for code, compound in city.compounds.items():
        made[code] = record(city.bureau, compound=compound)
    for index, community in enumerate(city.communities):
        made[index] = record(city.bureau, community=community)
    for activity in made.values():
        services.activity_photo_add(activity=activity, actor=city.bureau, upload=png_upload())
    return made


@pytest.mark.parametrize("who", sorted(EXPECTED_COMMUNITIES))
def test_each_member_sees_the_activities_of_their_scope(city, everywhere, who):
    user = getattr(city, who)
    expected = EXPECTED_COMPOUNDS[who] | EXPECTED_COMMUNITIES[who]

    activities = Activity.objects.visible_to(user)
    photos = ActivityPhoto.objects.visible_to(user)

    assert {a.compound.code if a.compound else city.communities.index(a.community)
            for a in activities} == expected  # fmt: skip
    assert set(photos.values_list("activity_id", flat=True)) == {
        everywhere[key].pk for key in expected
    }


def test_a_company_loses_its_communitys_activities_with_its_last_compound_there(city):
    activity = record(city.bureau, community=city.communities[0])
    ManagementTerm.objects.filter(company=city.company_a).update(
        end=today() - datetime.timedelta(days=1)
    )
    user = city.manager_a
    forget_scope(user)
    assert not Activity.objects.visible_to(user).filter(pk=activity.pk).exists()


def test_a_street_staff_member_records_in_the_street(city):
    staff = f.UserFactory(username="street_staff")
    membership_set(user=staff, organisation=city.org.street, role=Role.STAFF)
    staff.refresh_from_db()

    assert record(staff, compound=city.compounds["N1"]).organisation == city.org.street
