"""The printable self-check (for the paper archive): what it holds, that it is laid out for A4
without the site's navigation, and that it is scoped like the check page."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from inspections import services

from .conftest import PERIOD, fill_check, png_upload


def url(name, *args):
    return reverse(f"inspections:{name}", args=args)


@pytest.fixture
def reviewed(city, template):
    """A1's self-check: one 否决项 failed (LH-3d), remarks, photos, submitted and approved."""
    check = services.inspection_open(compound=city.compounds["A1"], period=PERIOD, actor=None)
    fill_check(check, city.manager_a, overrides={"LH-3d": 1})
    sy1 = check.answers.get(item__code="SY-1")
    services.answer_save(
        answer=sy1, actor=city.manager_a, value_bool=True, comment="警务室在2号楼一层"
    )
    services.inspection_submit(inspection=check, actor=city.manager_a)
    return services.inspection_approve(inspection=check, actor=city.street, comment="材料齐全")


def test_the_printable_check_holds_the_whole_record(client, city, reviewed):
    client.force_login(city.manager_a)
    response = client.get(url("inspection_print", reviewed.pk))
    assert response.status_code == 200
    html = response.content.decode()
    paper = html[html.index('data-testid="check-paper"') :]
    assert "甲一小区" in paper and PERIOD.strftime("%Y-%m") in paper
    assert paper.count("<tr data-code=") == 13  # every item
    row = re.search(r'<tr data-code="SY-1">.*?</tr>', paper, re.S).group(0)
    assert "有场所" in row and "是" in row and "警务室在2号楼一层" in row
    thumbnails = re.findall(r'<img src="(/inspections/evidence/\d+/thumbnail/)"', paper)
    assert len(thumbnails) == 7  # one photo on each item that requires evidence
    assert client.get(thumbnails[0]).status_code == 200
    assert 'data-testid="score">100%' in paper
    assert 'data-testid="result">不达标' in paper
    assert 'data-testid="vetoes"' in paper and "LH-3d" in paper and "治安防范好 · 案件" in paper
    submitted = re.search(r'data-testid="submitted">([^<]*)<', paper).group(1)
    reviewed_by = re.search(r'data-testid="reviewed">([^<]*)<', paper).group(1)
    assert "manager_a" in submitted and f"{reviewed.submitted_at:%Y}" in submitted
    assert "street" in reviewed_by
    assert "材料齐全" in paper
    assert re.findall(r'<tr data-action="(\w+)"', paper) == ["open", "submit", "approve"]


def test_it_is_laid_out_for_a4_without_the_sites_navigation(client, city, reviewed):
    client.force_login(city.street)
    html = client.get(url("inspection_print", reviewed.pk)).content.decode()
    assert 'href="/static/css/print.css"' in html
    assert 'data-testid="print-button"' in html
    css = Path(finders.find("css/print.css")).read_text(encoding="utf-8")
    assert "size: A4" in css
    rule = css[css.index("@media print") :]
    for hidden in (".site-header", ".site-footer", ".paper-toolbar", ".breadcrumbs"):
        assert hidden in rule.split("display: none")[0]


def test_the_check_page_links_to_it(client, city, reviewed):
    client.force_login(city.viewer_a)
    html = client.get(url("inspection_detail", reviewed.pk)).content.decode()
    assert f'href="{url("inspection_print", reviewed.pk)}" data-testid="print-link"' in html


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("bureau", 200),
        ("street", 200),
        ("community", 200),
        ("viewer_a", 200),
        ("manager_b", 404),
        ("nobody", 403),
    ],
)
def test_it_is_scoped_like_the_check_page(client, city, reviewed, who, status):
    client.force_login(getattr(city, who))
    response = client.get(url("inspection_print", reviewed.pk))
    assert response.status_code == status
    if status != 200:
        assert "甲一小区" not in response.content.decode()


def test_another_companys_check_and_a_missing_one_look_the_same(client, city, reviewed):
    client.force_login(city.manager_b)
    for pk in (reviewed.pk, reviewed.pk + 999):
        response = client.get(url("inspection_print", pk))
        assert response.status_code == 404
        assert "甲一小区" not in response.content.decode()


def test_a_draft_prints_too_with_what_is_missing(client, city, template):
    check = services.inspection_open(compound=city.compounds["A1"], period=PERIOD, actor=None)
    sy1 = check.answers.get(item__code="SY-1")
    services.evidence_add(
        answer=sy1, actor=city.manager_a, upload=png_upload(), content_type="image/png"
    )
    client.force_login(city.manager_a)
    html = client.get(url("inspection_print", check.pk)).content.decode()
    assert 'data-testid="submitted">—' in html
    assert html.count("<tr data-code=") == 13
    assert len(re.findall(r'data-testid="thumbnail"', html)) == 1
