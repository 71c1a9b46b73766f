"""The bench counts a page's first view as it is served with workers of their own: a task the
page sends runs after the view, not inside it (``scale.bench.timing.tasks_after``), even where
Celery would run it in the process."""

# ruff: noqa: F811 (the fixtures imported below are the tests' arguments)

import pytest
from django.core.cache import cache

from communities.scoping import scope_for
from reports import dashboard_cache
from reports.tasks import refresh_dashboard
from scale.bench.timing import count_queries, tasks_after
from tests.reports.test_dashboard import HOME, login, month, shared_month  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_task_sent_inside_runs_after_with_its_arguments(settings, month):
    assert settings.CELERY_TASK_ALWAYS_EAGER  # where a task would run inside the call
    key = dashboard_cache.scope_key(scope_for(month.bureau))
    with tasks_after() as sent:
        refresh_dashboard.delay(month.bureau.pk, "zh-hans")
        assert [(task.name, args) for task, args, _kwargs in sent] == [
            ("reports.refresh_dashboard", (month.bureau.pk, "zh-hans"))
        ]
        assert cache.get(key) is None  # not run yet
    assert cache.get(key).figures  # run when the block ended


def test_the_homes_first_view_is_counted_without_its_figures_then_they_are_there(client, month):
    login(client, month.bureau)
    with tasks_after() as sent:
        first, response = count_queries(lambda: client.get(HOME))
        panel = {p.name: p.data for p in response.context["panels"]}["dashboard"]
        assert panel["pending"] and len(sent) == 1
    # The task ran once the view was counted: the next view shows the figures.
    response = client.get(HOME)
    panel = {p.name: p.data for p in response.context["panels"]}["dashboard"]
    assert not panel["pending"] and panel["figures"]
    assert first <= 15
