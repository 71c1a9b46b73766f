# ruff: noqa: F811 (the fixtures imported below are the tests' arguments)
"""The home's missed patrols are kept per scope (``patrols.list_figures``): a team's weekly
plan changed (``services_teams.plan_slot_set`` deletes and adds windows) shows at the next
view, as the missed-patrol list it links to does, not ``LIST_FIGURES_SECONDS`` later."""

import pytest

from patrols.models import PatrolPlanSlot
from tests.reports.test_dashboard import dashboard, month, shared_month  # noqa: F401
from tests.reports.test_dashboard_cache import waiting

pytestmark = pytest.mark.django_db


def test_a_plan_changed_shows_in_the_missed_patrols_at_the_next_view(client, month):
    data, _html = dashboard(client, month.bureau)
    assert waiting(data, "patrols_missed") == 6
    # As plan_slot_set drops the windows no longer wanted: a queryset delete.
    PatrolPlanSlot.objects.all().delete()
    data, _html = dashboard(client, month.bureau)
    assert waiting(data, "patrols_missed") == 0
