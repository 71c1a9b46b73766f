"""The suite's second CI run moves the clock 400 days ahead (tests/conftest.py). It leaves out
only the tests marked ``other_processes``, whose work runs in processes the move cannot reach."""

from types import SimpleNamespace

import pytest

from tests import conftest


class Item:
    def __init__(self, name, marked):
        self.name, self.marked = name, marked

    def get_closest_marker(self, name):
        return object() if self.marked and name == "other_processes" else None


def _config(moved: bool):
    deselected = []
    stash = pytest.Stash()
    if moved:
        stash[conftest._CLOCK_KEY] = object()
    hook = SimpleNamespace(pytest_deselected=lambda items: deselected.extend(items))
    return SimpleNamespace(stash=stash, hook=hook), deselected


def _items():
    return [Item("server", True), Item("page", False), Item("command", True), Item("form", False)]


def test_with_the_clock_moved_the_tests_of_other_processes_are_left_out():
    config, deselected = _config(moved=True)
    items = _items()
    conftest.pytest_collection_modifyitems(config, items)
    assert [i.name for i in items] == ["page", "form"]
    assert [i.name for i in deselected] == ["server", "command"]


def test_at_todays_date_every_test_runs():
    config, deselected = _config(moved=False)
    items = _items()
    conftest.pytest_collection_modifyitems(config, items)
    assert [i.name for i in items] == ["server", "page", "command", "form"]
    assert deselected == []


def test_the_marked_modules_are_the_ones_that_start_processes():
    from tests import test_deploy_check, test_embedded_run
    from tests.scale import test_bench

    for module in (test_bench, test_embedded_run, test_deploy_check):
        marks = module.pytestmark if isinstance(module.pytestmark, list) else [module.pytestmark]
        assert "other_processes" in {mark.name for mark in marks}, module.__name__
