"""The kept 以房管人 tallies: their sums are the figures computed from the rows, whatever
changed, on any day; they are written again on commit, on read and by the nightly job."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from communities.models import (
    Compound,
    Household,
    Occupancy,
    Resident,
    ResidentKind,
    ResidentTally,
)
from communities.residents import tallies
from communities.residents.figures import resident_figures, resident_figures_by
from communities.residents.worklist import item_counts
from communities.scoping import compounds_visible_to
from communities.tasks import refresh_resident_tallies
from tests import factories as f

TODAY = datetime.date(2026, 6, 15)
NOON = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)
F = ResidentKind.FLOATING
REGISTERED = {"registered_on": datetime.date(2026, 1, 10), "registered_by": "和平派出所"}


@pytest.fixture
def today():
    with time_machine.travel(NOON, tick=False):
        yield TODAY


@pytest.fixture
def world(city, today):
    """A1: two floating residents (one registered until tomorrow, one not registered);
    A2: one floating resident registered with no expiry; B1 rented, nobody recorded."""
    a1, a2 = city.households["A1"], city.households["A2"]
    f.ResidentFactory(household=a1, kind=F, **REGISTERED, permit_expires=TODAY.replace(day=16))
    f.ResidentFactory(household=a1, kind=F)
    f.ResidentFactory(household=a2, kind=F, **REGISTERED)
    b1 = city.households["B1"]
    b1.occupancy = Occupancy.RENTED
    b1.save()
    return city


def _live(user):
    compounds = compounds_visible_to(user)
    return resident_figures(compounds)


def _kept(user):
    return tallies.figures(tallies.current(compounds_visible_to(user)))


def _counts_live(user):
    return item_counts(Resident.objects.visible_to(user), Household.objects.visible_to(user))


def _counts_kept(user):
    return tallies.item_counts(tallies.current(compounds_visible_to(user)))


def test_the_sums_of_the_tallies_are_the_figures_of_the_rows(world):
    for user in (world.bureau, world.street, world.manager_a, world.manager_b):
        assert _kept(user) == _live(user)
        assert _counts_kept(user) == _counts_live(user)
    figures = _kept(world.bureau)
    assert (figures.rate.present, figures.rate.registered) == (3, 2)
    assert (figures.rented, figures.rented_without_tenant) == (1, 1)
    assert _counts_kept(world.bureau) == {
        "unregistered": 1,
        "expiring": 1,
        "expired": 0,
        "no_tenant": 1,
    }
    assert ResidentTally.objects.filter(day=TODAY).count() == Compound.objects.count()


def test_grouped_sums_match_the_grouped_figures(world):
    kept = tallies.current(compounds_visible_to(world.bureau))
    for level in ("compound", "community", "street", "district"):
        assert tallies.figures_by(kept, level) == resident_figures_by(
            compounds_visible_to(world.bureau), level
        )


def test_a_change_shows_at_the_next_read_in_the_same_transaction(world):
    before = _kept(world.bureau)
    resident = f.ResidentFactory(household=world.households["B2"], kind=F)
    after = _kept(world.bureau)
    assert after.rate.present == before.rate.present + 1
    assert after == _live(world.bureau)
    resident.moved_out = TODAY
    resident.save()
    moved = _kept(world.bureau)
    assert moved.rate.present == before.rate.present and moved == _live(world.bureau)
    b1 = world.households["B1"]
    b1.occupancy = Occupancy.OWNER
    b1.save()
    assert _counts_kept(world.bureau)["no_tenant"] == 0
    world.households["A1"].delete()  # its residents go with it (a cascade)
    assert _kept(world.bureau) == _live(world.bureau)
    assert _counts_kept(world.bureau) == _counts_live(world.bureau)


def test_a_committed_change_rewrites_the_tally_and_clears_the_marks(
    world, django_capture_on_commit_callbacks
):
    _kept(world.bureau)
    b2 = world.compounds["B2"]
    with django_capture_on_commit_callbacks(execute=True):
        f.ResidentFactory(household=world.households["B2"], kind=F)
        f.ResidentFactory(household=world.households["B2"], kind=F, **REGISTERED)
    tally = ResidentTally.objects.get(compound=b2)
    assert (tally.present, tally.registered, tally.unregistered) == (2, 1, 1)
    assert tallies._marked() == (set(), set())
    before = list(ResidentTally.objects.order_by("pk").values_list("computed_at", flat=True))
    _kept(world.bureau)  # nothing marked, nothing missing: nothing written
    after = list(ResidentTally.objects.order_by("pk").values_list("computed_at", flat=True))
    assert after == before


def test_a_tally_of_another_day_is_computed_again(world):
    assert _counts_kept(world.bureau)["expired"] == 0
    tallies.forget()  # as after the commit: nothing marked
    with time_machine.travel(NOON + datetime.timedelta(days=2), tick=False):
        counts = _counts_kept(world.bureau)
        assert counts["expired"] == 1 and counts["expiring"] == 0
        assert set(ResidentTally.objects.values_list("day", flat=True)) == {
            TODAY + datetime.timedelta(days=2)
        }


def test_an_older_read_never_replaces_a_newer_tally(world):
    a1 = world.compounds["A1"]
    tallies.refresh([a1.pk])
    newer = ResidentTally.objects.get(compound=a1)
    row = (a1.pk, TODAY, newer.computed_at - datetime.timedelta(seconds=5))
    tallies._write([(*row, *([99] * len(tallies.COUNTED)))])
    kept = ResidentTally.objects.get(compound=a1)
    assert kept.present == newer.present != 99
    later = (a1.pk, TODAY, newer.computed_at + datetime.timedelta(seconds=5))
    tallies._write([(*later, *([7] * len(tallies.COUNTED)))])
    assert ResidentTally.objects.get(compound=a1).present == 7


def test_a_deleted_compound_is_left_out(world):
    gone = f.CompoundFactory(community=world.communities[0], code="GONE")
    pk = gone.pk
    gone.delete()
    assert tallies.refresh([pk, world.compounds["A1"].pk]) == 1
    assert not ResidentTally.objects.filter(compound_id=pk).exists()


def test_the_nightly_job_writes_every_compound_and_a_bulk_load_is_read_after_forget_all(
    world,
):
    assert refresh_resident_tallies() == Compound.objects.count()
    assert refresh_resident_tallies(TODAY.isoformat()) == Compound.objects.count()
    tallies.forget()
    # rows written without a signal (as seed_scale's COPY): stale until forgotten
    Resident.objects.bulk_create(
        [Resident(household=world.households["B2"], kind=F, name="批量", id_number="E7654321")]
    )
    assert _kept(world.bureau) != _live(world.bureau)
    tallies.forget_all()
    assert _kept(world.bureau) == _live(world.bureau)


def test_the_work_list_tabs_add_up_tallies_unless_narrowed_by_kind_or_search(client, world):
    client.force_login(world.street)
    url = reverse("communities:resident_worklist")
    street = world.streets[0].pk
    response = client.get(url, {"street": street})
    tabs = {item.value: count for item, _label, count in response.context["tabs"]}
    assert tabs == {"unregistered": 1, "expiring": 1, "expired": 0, "no_tenant": 0}
    assert ResidentTally.objects.exists()
    response = client.get(url, {"kind": "foreign"})
    tabs = {item.value: count for item, _label, count in response.context["tabs"]}
    assert tabs == {"unregistered": 0, "expiring": 0, "expired": 0, "no_tenant": 0}
    response = client.get(url, {"compound": world.compounds["A2"].pk})
    tabs = {item.value: count for item, _label, count in response.context["tabs"]}
    assert tabs["unregistered"] == 0 and tabs["expiring"] == 0


def test_a_warm_overview_reads_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    tallies.refresh_all()
    tallies.forget()  # the morning after the nightly job: nothing marked, nothing missing
    client.force_login(world.bureau)
    url = reverse("communities:resident_overview")
    client.get(url)
    with django_assert_num_queries(WARM_OVERVIEW) as warm:
        response = client.get(url)
    assert response.status_code == 200
    writes = [q for q in warm.captured_queries if "INSERT" in q["sql"].upper()]
    assert writes == []
    assert response.context["total"] == _live(world.bureau)


#: session, user, membership and scope reads of any page, then the stale check, two sums and
#: the places
WARM_OVERVIEW = 11


def test_a_failed_rewrite_after_commit_is_logged_and_kept_for_the_next(
    world, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    _kept(world.bureau)
    real = tallies.refresh

    def broken(ids, on=None):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(tallies, "refresh", broken)
    with django_capture_on_commit_callbacks(execute=True):  # the commit itself succeeds
        f.ResidentFactory(household=world.households["B2"], kind=F)
    assert "the database went away" in caplog.text
    assert world.compounds["B2"].pk in tallies._marked()[0]
    monkeypatch.setattr(tallies, "refresh", real)
    with django_capture_on_commit_callbacks(execute=True):
        f.ResidentFactory(household=world.households["B1"], kind=F)
    assert tallies._marked() == (set(), set())
    tally = ResidentTally.objects.get(compound=world.compounds["B2"])
    assert (tally.present, tally.unregistered) == (1, 1)


def test_a_household_moved_to_another_compound_changes_both(world):
    _kept(world.bureau)
    tallies.forget()
    household = Household.objects.get(pk=world.households["A1"].pk)  # as the admin reads it
    household.compound = world.compounds["B2"]
    household.save()
    kept = tallies.current(compounds_visible_to(world.bureau))
    assert tallies.figures_by(kept, "compound") == resident_figures_by(
        compounds_visible_to(world.bureau), "compound"
    )
    assert ResidentTally.objects.get(compound=world.compounds["A1"]).households == 0
