"""The user guide served by the app (/help/) and each workbench page's link to its section."""

import re
from urllib.parse import unquote

import pytest
from django.contrib.staticfiles import finders
from django.urls import get_resolver, reverse

from communities import guide

NAMESPACES = ("communities", "inspections", "disputes")
# URL names that are not pages a person reads: files, thumbnails, export starts.
NOT_PAGES = {
    "inspections:evidence_file",
    "inspections:evidence_thumbnail",
    "inspections:hazard_photo",
    "disputes:agreement",
    "communities:compound_autocomplete",  # the typeahead's JSON, not a page
    "communities:street_autocomplete",  # the same for streets
    "communities:community_autocomplete",  # and for communities
    "patrols:organisation_autocomplete",  # and for the organisations running a team
}
HREF = re.compile(r'href="([^"]*)"')


def _url_names() -> set[str]:
    names = set()
    for namespace in NAMESPACES:
        resolver = get_resolver().namespace_dict[namespace][1]
        names |= {f"{namespace}:{p.name}" for p in resolver.url_patterns}
    return names


def _split(url: str) -> tuple[str, str]:
    path, _, anchor = url.partition("#")
    return path, unquote(anchor)


def _page_for(path: str) -> guide.GuidePage:
    for name in guide.page_names():
        if guide.page_url(name) == path:
            return guide.render_page(name)
    raise AssertionError(f"{path} is not a page of the guide")


def test_every_workbench_page_names_its_section_of_the_guide():
    missing = _url_names() - NOT_PAGES - set(guide.sections())
    assert not missing, f"add these to the app's help_sections.py: {sorted(missing)}"


def test_every_section_named_exists_in_the_guide():
    for view_name, section in guide.sections().items():
        path, anchor = _split(guide.section_url(view_name))
        page = _page_for(path)
        assert not anchor or anchor in page.anchors, (
            f"{view_name}: no heading #{anchor} in {section}"
        )


def test_links_inside_the_guide_lead_somewhere():
    """The guide's own tables of contents and cross-references, as the app serves them (the
    anchors are the code host's, so the same Markdown works in both places)."""
    for name in guide.page_names():
        page = guide.render_page(name)
        for href in HREF.findall(page.html):
            if href.startswith(("http://", "https://", "mailto:")):
                continue
            path, anchor = _split(href)
            target = _page_for(path) if path else page
            assert not anchor or anchor in target.anchors, f"{name}.md links to a missing {href}"


def test_screenshots_are_served_as_static_files():
    page = guide.render_page("disputes")
    sources = re.findall(r'src="([^"]+)"', page.html)
    assert sources
    for src in sources:
        assert src.startswith("/static/user-guide/img/"), src
        assert finders.find(src.removeprefix("/static/")), src


@pytest.mark.django_db
def test_anyone_can_read_the_guide(client):
    response = client.get(reverse("communities:guide"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "使用手册" in text
    assert 'href="/help/disputes/"' in text  # the contents list every page
    response = client.get(reverse("communities:guide_page", args=["self-checks"]))
    assert response.status_code == 200
    assert '<h2 id="4-提交">' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["no-such-page", "README2", "img"])
def test_only_the_guides_pages_are_served(client, name):
    assert client.get(f"/help/{name}/").status_code == 404
    assert client.get("/help/..%2Fconfig/").status_code == 404
    for name in ("../config/settings/base", "../../README", "README/../README", ".hidden"):
        assert guide.render_page(name) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "section"),
    [
        ("inspections:check_list", "/help/self-checks/#2-检查列表"),
        ("inspections:hazard_list", "/help/hazards/#2-隐患列表"),
        ("disputes:case_list", "/help/disputes/#3-案件列表筛选和统计"),
        ("communities:home", "/help/#2-首页我的小区"),
    ],
)
def test_a_workbench_page_links_to_its_section(client, city, url_name, section):
    client.force_login(city.bureau)
    text = client.get(reverse(url_name)).content.decode()
    link = re.search(r'<a class="help-link" href="([^"]+)"', text)
    assert link, "no help link in the header"
    assert unquote(link.group(1)) == section


@pytest.mark.django_db
def test_the_login_page_links_to_the_guide(client):
    text = client.get(reverse("login")).content.decode()
    assert re.search(r'<a class="help-link" href="/help/"', text)
