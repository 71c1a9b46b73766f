"""Monthly figures' single rules, each on a month of its own (the hand-counted October is
test_monthly_figures.py's, shared by its tests): lateness against the due day, a check due
without a term on the first, and a scored item's pass mark to the decimal."""

import datetime
from decimal import Decimal

import time_machine

from communities.models import Compound, ManagementTerm
from inspections import figures as fig
from inspections import services
from inspections.figures import ItemRate

from .test_monthly_figures import OCT, SHANGHAI, TODAY, approve, at, self_check

ALL = Compound.objects.all


def test_a_self_check_first_submitted_after_the_due_day_is_late(city, template, settings):
    settings.INSPECTION_DUE_DAY = 5
    with time_machine.travel(TODAY, tick=False):
        assert fig.due_moment(OCT) == datetime.datetime(2026, 10, 6, tzinfo=SHANGHAI)
    self_check(city.compounds["A1"], city.manager_a, OCT, submit_on=(5, 23, 59))
    self_check(city.compounds["A2"], city.manager_a, OCT, submit_on=(6, 0, 1))
    with time_machine.travel(TODAY, tick=False):
        figures = fig.self_check_figures(ALL(), OCT)
    assert (figures.due, figures.submitted, figures.on_time) == (4, 2, 1)


def test_a_compound_with_a_self_check_is_due_even_without_a_term_on_the_first(city, template):
    # Company A took A1 over on 3 October: its check of October counts, and so does its due.
    ManagementTerm.objects.filter(compound=city.compounds["A1"], end__isnull=True).update(
        start=datetime.date(2026, 10, 3)
    )
    with time_machine.travel(TODAY, tick=False):
        assert fig.self_check_figures(ALL(), OCT).due == 3  # A2, B1, B2
    with at(10, 5):
        services.inspection_open(compound=city.compounds["A1"], period=OCT, actor=city.manager_a)
    with time_machine.travel(TODAY, tick=False):
        assert fig.self_check_figures(ALL(), OCT).due == 4


def test_a_scored_item_passes_at_its_share_of_the_points_to_the_decimal(city, template):
    # LH-3c carries 5 points; at 65 % an item needs 3.25: 3.2 fails, 3.3 passes.
    template.item_pass_ratio = Decimal("65")
    template.save(update_fields=["item_pass_ratio"])
    for code, score in (("A1", Decimal("3.2")), ("A2", Decimal("3.3"))):
        check = self_check(
            city.compounds[code], city.manager_a, OCT, submit_on=(5,), overrides={"LH-3c": score}
        )
        approve(check, city.street, 6)
    with time_machine.travel(TODAY, tick=False):
        by = fig.item_pass_rates_by(ALL(), OCT)
    assert by[city.compounds["A1"].pk]["LH-3c"] == ItemRate(1, 0)
    assert by[city.compounds["A2"].pk]["LH-3c"] == ItemRate(1, 1)
