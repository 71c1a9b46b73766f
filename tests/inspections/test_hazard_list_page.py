"""The hazard list as a page (issue 9, points 9 and 11): the figures strip before the cards,
the filters folded with how many are active, a filter value that cannot be used reported (and
the list still shown), the text search finding a compound by its name — on the workbench and
in the admin — and the rectification photo marked as required before anything is sent."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.figures import hazard_figures
from inspections.models import Hazard

from .conftest import png_upload

LIST = reverse("inspections:hazard_list")
ADMIN_LIST = reverse("admin:inspections_hazard_changelist")


def raise_hazard(city, code="A1", **kwargs):
    values = {
        "category": "fire",
        "description": "消防通道堆放杂物",
        "responsible_party": "物业公司",
        "deadline": timezone.localdate() + datetime.timedelta(days=90),
        "photo": None,
        **kwargs,
    }
    return services.hazard_raise(compound=city.compounds[code], actor=city.street, **values)


def hazards_on_page(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-hazard="(\d+)"', response.content.decode())}


def test_the_figures_strip_comes_before_the_filters_and_the_first_card(client, city):
    raise_hazard(city)
    done = raise_hazard(city, "A2", category="traffic")
    services.hazard_rectify(hazard=done, actor=city.manager_a, note="已清理")
    client.force_login(city.street)
    html = client.get(LIST).content.decode()
    strip = html.index('data-testid="figure-strip"')
    assert strip < html.index('data-testid="filters"') < html.index('class="hazard-card')
    strip_html = html[strip : html.index("</section>", strip)]
    shown = dict(re.findall(r'data-figure="(\w+)">(\d+)<', strip_html))
    assert shown == {"total": "2", "unverified": "2", "overdue": "0", "awaiting_verification": "1"}


def test_hazard_figures_count_each_state_once(city):
    today = timezone.localdate()
    raise_hazard(city)
    late = raise_hazard(city, "A2")
    Hazard.objects.filter(pk=late.pk).update(deadline=today - datetime.timedelta(days=1))
    rectified = raise_hazard(city, "B2")
    services.hazard_rectify(hazard=rectified, actor=None, note="已清理")
    verified = raise_hazard(city, "B2")
    services.hazard_rectify(hazard=verified, actor=None, note="已清理")
    services.hazard_verify(hazard=verified, actor=city.street)
    figures = hazard_figures(Hazard.objects.visible_to(city.street), today)
    assert figures == {
        "total": 4,
        "unverified": 3,
        "to_rectify": 2,
        "awaiting_verification": 1,
        "verified": 1,
        "overdue": 1,
    }


def test_the_filters_say_how_many_are_active_and_offer_to_clear_them(client, city):
    raise_hazard(city)
    client.force_login(city.street)
    html = client.get(LIST).content.decode()
    assert re.search(r'data-testid="filters-summary">\s*筛选\s*</summary>', html)
    assert '<details id="hazard-filters" class="list-filters__toggle">' in html
    assert 'data-testid="clear-filters"' not in html
    html = client.get(LIST, {"category": "fire", "overdue": "1", "q": "甲"}).content.decode()
    assert re.search(r'data-testid="filters-summary">\s*筛选（3）\s*</summary>', html)
    assert re.search(r'href="/hazards/"[^>]*data-testid="clear-filters">清除筛选<', html)


def test_an_unusable_filter_value_is_reported_and_the_list_still_shows(client, city):
    fire = raise_hazard(city)
    traffic = raise_hazard(city, "A2", category="traffic")
    client.force_login(city.street)
    response = client.get(LIST, {"status": "nonsense", "category": "traffic"})
    assert response.status_code == 200
    html = response.content.decode()
    errors = html[html.index('data-testid="filter-errors"') :]
    assert "状态" in errors[: errors.index("</div>")]
    assert hazards_on_page(response) == {traffic.pk}
    assert fire.pk not in hazards_on_page(response)


def test_the_search_finds_hazards_by_their_compounds_name(client, city):
    a1 = raise_hazard(city)
    a2 = raise_hazard(city, "A2", description="单元门禁损坏")
    b2 = raise_hazard(city, "B2", responsible_party="乙物业公司")
    client.force_login(city.street)
    assert hazards_on_page(client.get(LIST, {"q": "甲二"})) == {a2.pk}
    assert hazards_on_page(client.get(LIST, {"q": "甲一小区"})) == {a1.pk}
    assert hazards_on_page(client.get(LIST, {"q": "门禁"})) == {a2.pk}
    assert hazards_on_page(client.get(LIST, {"q": "乙物业"})) == {b2.pk}
    client.force_login(city.manager_a)
    assert hazards_on_page(client.get(LIST, {"q": "乙二"})) == set()  # not in its scope


def test_the_admin_search_finds_hazards_by_their_compounds_name(client, city):
    raise_hazard(city)
    a2 = raise_hazard(city, "A2")
    client.force_login(city.bureau)
    response = client.get(ADMIN_LIST, {"q": "甲二小区"})
    assert response.status_code == 200
    assert [hazard.pk for hazard in response.context["cl"].result_list] == [a2.pk]


def test_the_rectification_photo_is_marked_required_before_anything_is_sent(client, city):
    hazard = raise_hazard(city, photo=png_upload())
    client.force_login(city.manager_a)
    html = client.get(reverse("inspections:hazard_detail", args=[hazard.pk])).content.decode()
    label = re.search(r'<label for="id_rectify_after_photo">(.*?)</label>', html, re.S).group(1)
    assert "整改后照片" in label
    assert 'data-testid="required"' in label and "*" in label
    field = re.search(r'<input[^>]*id="id_rectify_after_photo"[^>]*>', html).group(0)
    assert " required" in field
