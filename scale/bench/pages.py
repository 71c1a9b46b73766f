"""Every list page, as `bureau` and as `street`, timed through the whole middleware stack with
Django's test client (no network), beside the bare view ``health_live``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from . import targets
from .results import Figure
from .timing import Budget, count_queries, sample, tasks_after

# The workbench's list pages (a URL without arguments that shows records).
WORKBENCH_LISTS = [
    "communities:home",
    "inspections:check_list",
    "inspections:hazard_list",
    "inspections:key_management_list",
    "disputes:case_list",
    "patrols:overview",
    "patrols:group_list",
    "patrols:team_list",
    "patrols:patrol_list",
    "patrols:patrol_missed",
    "patrols:coverage_list",
    "reports:report_list",
    "reports:summaries",
    "communities:notifications",
    "communities:activity_list",
    "communities:resident_worklist",
    "communities:resident_overview",
]
# Forms that choose a compound: their choices are pages too. (The self-check and supervision
# forms are on the checks list.)
WORKBENCH_FORMS = [
    "disputes:case_register",
    "inspections:hazard_new",
    "patrols:team_create",
    "communities:activity_add",
]
# Deep pages of the biggest lists: the cost must not grow with the page number. The workbench
# shows its last page for a page past the end; the admin refuses one, so its page is capped.
DEEP_PAGES = [
    ("disputes:case_list", "page", 500),
    ("inspections:hazard_list", "page", 200),
    ("admin:disputes_disputecase_changelist", "p", 5000),
    ("admin:communities_household_changelist", "p", 10000),
]
# Searches of the big tables (a common surname and given name, a word of a description).
SEARCHES = [
    ("admin:communities_household_changelist", "q=王伟"),
    ("admin:communities_resident_changelist", "q=王伟"),
    ("admin:disputes_disputecase_changelist", "q=漏水"),
    ("disputes:case_list", "q=漏水"),
    ("inspections:hazard_list", "q=消防"),
    ("communities:home", "q=花园"),
    ("communities:resident_overview", "q=王伟"),
]
ROLES = ("bureau", "street")
BARE = "health_live"
OPTION = re.compile(rb"<option[\s>]")


@dataclass
class Page:
    group: str
    name: str
    url: str


def admin_lists() -> list[str]:
    names = []
    for model in admin.site._registry:
        meta = model._meta
        names.append(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    return sorted(names)


def _admin_pages(name: str, user) -> int:
    """How many pages the user's change list of the model has."""
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        if name == f"admin:{meta.app_label}_{meta.model_name}_changelist":
            rows = model.objects.visible_to(user).count()
            return max(1, -(-rows // model_admin.list_per_page))
    raise LookupError(name)


def _deep(name: str, parameter: str, wanted: int, user) -> Page:
    page = min(wanted, _admin_pages(name, user)) if name.startswith("admin:") else wanted
    query = f"{parameter}={page}"
    return Page("pages", f"{name}?{parameter}=deep", f"{reverse(name)}?{query}")


def pages(user) -> list[Page]:
    found = [Page("pages", name, reverse(name)) for name in WORKBENCH_LISTS + WORKBENCH_FORMS]
    found += [Page("pages", name, reverse(name)) for name in admin_lists()]
    found += [_deep(name, parameter, wanted, user) for name, parameter, wanted in DEEP_PAGES]
    found += [
        Page("searches", f"{name}?{query}", f"{reverse(name)}?{query}") for name, query in SEARCHES
    ]
    return found


def login(role: str) -> Client:
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=role))
    return client


def bare_view(client: Client, budget: Budget, role: str) -> Figure:
    url = reverse(BARE)
    samples = sample(lambda: client.get(url), budget)
    queries, response = count_queries(lambda: client.get(url))
    floor = Figure(
        "pages", f"{role} {BARE} (the floor)", "ms", samples.p50, p95=samples.p95, queries=queries
    )
    return floor.check("status 200", response.status_code == 200)


def measure(client: Client, page: Page, role: str, floor: float, budget: Budget) -> Figure | None:
    """The page's p50/p95 and queries beside the floor; None for a page the role may not see.
    The first view is counted as it is served with workers of their own (``tasks_after``)."""
    with tasks_after():
        queries, response = count_queries(lambda: client.get(page.url))
    if response.status_code in (403, 404) and page.name.startswith("admin:"):
        return None
    figure = Figure(page.group, f"{role} {page.name}", "ms", 0, floor=floor, queries=queries)
    figure.check("status 200", response.status_code == 200)
    options = len(OPTION.findall(response.content))
    figure.note = f"{page.url}: {len(response.content) // 1024} KB, {options} <option>"
    figure.check(f"<option> ≤ {targets.PAGE_OPTIONS}", options <= targets.PAGE_OPTIONS)
    if response.status_code != 200:
        return figure
    samples = sample(lambda: client.get(page.url), budget, warm=True)
    figure.value, figure.p95 = samples.p50, samples.p95
    figure.check(f"queries ≤ {targets.PAGE_QUERIES}", queries <= targets.PAGE_QUERIES)
    if role == "bureau":
        figure.check(f"p95 ≤ {targets.PAGE_P95_MS} ms", samples.p95 <= targets.PAGE_P95_MS)
        figure.check(f"≤ {targets.PAGE_RATIO}× bare view", figure.ratio <= targets.PAGE_RATIO)
    return figure


def run(budget: Budget, progress, match=None) -> list[Figure]:
    figures = []
    for role in ROLES:
        client = login(role)
        floor = bare_view(client, budget, role)
        figures.append(floor)
        progress(floor)
        for page in pages(get_user_model().objects.get(username=role)):
            if match and not any(text in page.name for text in match):
                continue
            figure = measure(client, page, role, floor.value, budget)
            if figure is not None:
                figures.append(figure)
                progress(figure)
    return figures
