"""``manage.py bench --quick`` on a small province (issue 14): in a database of its own, the
demo city, ``seed_scale --scale 0.01``, then the benchmark, which must produce a JSON with every
figure (speed itself is judged by the benchmark's targets, not here).

It runs the commands as an operator would, in new processes: the benchmark's children and its
gunicorn need the data committed, which the test's own database never is. On PostgreSQL the
database is created beside the test database and dropped after; on SQLite it is a file.
``BENCH_JSON_OUT`` names where to keep the JSON (``.ci/run`` prints it)."""

import json
import os
import shutil
from pathlib import Path

import pytest

from scale.bench.pages import ROLES, SEARCHES, WORKBENCH_FORMS, WORKBENCH_LISTS
from scale.bench.run import GROUPS
from tests.processes import manage, scratch_database

pytestmark = [pytest.mark.django_db, pytest.mark.other_processes]


@pytest.fixture
def bench_database(tmp_path):
    with scratch_database("bench", tmp_path) as url:
        yield url


def _manage(database_url: str, media: Path, *args: str) -> str:
    return manage(database_url, media, *args).stdout


def test_bench_quick_writes_every_figure(bench_database, tmp_path):
    media = tmp_path / "media"
    _manage(bench_database, media, "migrate", "--noinput")
    _manage(bench_database, media, "seed_demo", "--city-only", "--households-per-compound", "2")
    _manage(bench_database, media, "seed_scale", "--scale", "0.01")
    out = tmp_path / "bench.json"
    printed = _manage(bench_database, media, "bench", "--quick", "--json", str(out))
    if os.environ.get("BENCH_JSON_OUT"):
        shutil.copy(out, os.environ["BENCH_JSON_OUT"])

    report = json.loads(out.read_text(encoding="utf-8"))
    figures = report["figures"]
    names = {f["name"] for f in figures}
    assert report["quick"] is True
    assert report["scope"]["compounds"] > 200  # the demo city and 1 % of a province
    assert {f["group"] for f in figures} == {*GROUPS, "searches"}
    # Every workbench list, form and search for both roles, each beside its floor.
    for role in ROLES:
        assert f"{role} health_live (the floor)" in names
        for page in WORKBENCH_LISTS + WORKBENCH_FORMS:
            assert f"{role} {page}" in names
        for page, query in SEARCHES:
            assert f"{role} {page}?{query}" in names
        admin_lists = [n for n in names if n.startswith(f"{role} admin:") and "?" not in n]
        assert len(admin_lists) >= 10
    assert {
        "bureau disputes:case_list?page=deep",
        "bureau admin:disputes_disputecase_changelist?p=deep",
    } <= names
    for figure in figures:
        assert figure["value"] is not None and figure["value"] >= 0, figure
        assert figure["checks"], figure  # each figure is judged against a target
        assert figure["passed"] == all(figure["checks"].values())
        if figure["group"] in ("pages", "searches"):
            assert figure["checks"]["status 200"], figure
        if figure["group"] in ("pages", "searches") and "floor" not in figure["name"]:
            assert (
                figure["floor"] > 0 and figure["queries"] > 0 and figure["p95"] >= figure["value"]
            )
    by_group = {}
    for figure in figures:
        by_group.setdefault(figure["group"], []).append(figure)
    assert {f["name"] for f in by_group["figures"]} == {
        "self_check_figures",
        "hazard_month_figures",
        "dispute_month_figures",
        "registration_rate",
    }
    # The hand-written SQL and the ORM agree on every figure.
    assert all(f["checks"]["the SQL gives the same numbers"] for f in by_group["figures"])
    assert len(by_group["exports"]) == 2 and all(
        f["rows"] > 0 and f["peak_mb"] > 0 for f in by_group["exports"]
    )
    assert len(by_group["imports"]) == 2 and all(f["queries"] > 0 for f in by_group["imports"])
    assert by_group["report"][0]["value"] > 0 and by_group["report"][0]["queries"] > 0
    assert len(by_group["load"]) == 6 and all(f["value"] > 0 for f in by_group["load"])
    assert "figures in" in printed
