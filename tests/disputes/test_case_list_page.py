"""The dispute list as a page (issue 9, points 9 and 11): the figures strip before the cards,
the filters folded with how many are active, a filter value that cannot be used reported (and
the list still shown), and the text search finding a compound by its name — on the workbench
and in the admin."""

import re

import pytest
from django.urls import reverse

from disputes.models import Level

from .conftest import register

LIST = reverse("disputes:case_list")
ADMIN_LIST = reverse("admin:disputes_disputecase_changelist")

pytestmark = pytest.mark.usefixtures("today")


def cases_on_page(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-case="(\d+)"', response.content.decode())}


def test_the_figures_strip_comes_before_the_first_card_and_the_filters(client, city):
    register(city)
    register(city, compound="A2", category="parking")
    client.force_login(city.manager_a)
    html = client.get(LIST).content.decode()
    strip = html.index('data-testid="figure-strip"')
    assert strip < html.index('data-testid="filters"') < html.index('class="hazard-card')
    # The strip shows the key figures of the listed cases; the breakdown follows the list.
    strip_html = html[strip : html.index("</section>", strip)]
    assert re.search(r'data-figure="total">2<', strip_html)
    assert re.search(r'data-figure="open">2<', strip_html)
    assert html.index('data-testid="figures"') > html.rindex('class="hazard-card')


def test_the_filters_say_how_many_are_active_and_offer_to_clear_them(client, city):
    register(city)
    client.force_login(city.manager_a)
    html = client.get(LIST).content.decode()
    assert re.search(r'data-testid="filters-summary">\s*筛选\s*</summary>', html)
    assert 'data-testid="clear-filters"' not in html
    html = client.get(LIST, {"status": "open", "category": "noise", "q": ""}).content.decode()
    assert re.search(r'data-testid="filters-summary">\s*筛选（2）\s*</summary>', html)
    clear = re.search(r'<a[^>]*href="([^"]*)"[^>]*data-testid="clear-filters">([^<]*)<', html)
    assert clear.groups() == (LIST, "清除筛选")


def test_the_filters_are_folded_until_the_page_opens_them_on_a_wide_screen(client, city):
    client.force_login(city.manager_a)
    html = client.get(LIST).content.decode()
    assert '<details id="case-filters" class="list-filters__toggle">' in html
    # static/js/open-when-wide.js, right after the <details>, not deferred: before the first paint.
    assert re.search(
        r'</details>.*<script src="[^"]*/js/open-when-wide\.js" data-details="case-filters">',
        html,
        re.DOTALL,
    )


def test_a_year_that_is_not_a_number_is_reported_and_the_list_still_shows(client, city):
    noise = register(city)
    parking = register(city, compound="A2", category="parking")
    client.force_login(city.manager_a)
    response = client.get(LIST, {"year": "abc", "category": "parking"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="filter-errors"' in html
    errors = html[html.index('data-testid="filter-errors"') :]
    errors = errors[: errors.index("</div>")]
    assert "登记年度" in errors and "输入整数" in errors
    # The field shows its error too, and the filters are open so it is seen.
    assert '<details id="case-filters" class="list-filters__toggle" open>' in html
    assert 'class="field field--error"' in html
    # The list is narrowed by the valid filter only; the year is left out (and not counted).
    assert cases_on_page(response) == {parking.pk}
    assert noise.pk not in cases_on_page(response)
    assert re.search(r"筛选（1）", html)


@pytest.mark.parametrize(
    "query",
    [{"status": "nonsense"}, {"year": "1900"}, {"level": "<script>"}, {"compound": "999999"}],
)
def test_every_unusable_filter_value_is_reported(client, city, query):
    mine = register(city)
    client.force_login(city.manager_a)
    response = client.get(LIST, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="filter-errors"' in html
    assert "<script>" not in html.split('data-testid="filter-errors"')[1][:500]
    assert cases_on_page(response) == {mine.pk}


def test_valid_filters_show_no_error(client, city):
    register(city)
    client.force_login(city.manager_a)
    html = client.get(LIST, {"year": "2026", "status": "open"}).content.decode()
    assert 'data-testid="filter-errors"' not in html


def test_the_search_finds_cases_by_their_compounds_name(client, city):
    a1 = register(city)
    a2 = register(city, compound="A2")
    street_case = register(city, city.street, compound="A2", level=Level.STREET)
    client.force_login(city.street)
    assert cases_on_page(client.get(LIST, {"q": "甲二"})) == {a2.pk, street_case.pk}
    assert cases_on_page(client.get(LIST, {"q": "甲一小区"})) == {a1.pk}
    # Still by number and description.
    assert cases_on_page(client.get(LIST, {"q": a1.number})) == {a1.pk}
    assert a1.pk in cases_on_page(client.get(LIST, {"q": "噪声"}))


def test_the_search_by_compound_name_stays_in_the_users_scope(client, city):
    register(city, city.manager_b, "B1")
    client.force_login(city.manager_a)
    assert cases_on_page(client.get(LIST, {"q": "乙一"})) == set()


def test_the_admin_search_finds_cases_by_their_compounds_name(client, city):
    a1 = register(city)
    a2 = register(city, compound="A2")
    client.force_login(city.bureau)
    response = client.get(ADMIN_LIST, {"q": "甲二小区"})
    assert response.status_code == 200
    assert [case.pk for case in response.context["cl"].result_list] == [a2.pk]
    assert a1.number not in response.content.decode()
