"""The browser-side headers every page carries, and the workbench's pages free of inline code.

The content security policy (django-csp, communities.csp) refuses inline scripts and styles on
the workbench; a page that still had one would lose that behaviour or look in the browser, so
every page the workbench serves is checked here for <script> without src, on*= handlers, style=
attributes and <style> blocks (tests/e2e/test_content_security.py checks the same in Chromium).
"""

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from communities import guide
from communities.models import ExportJob
from disputes import services as dispute_services
from disputes.models import Category, Level, Source
from inspections import services as inspection_services
from inspections.exporting import HazardsExporter
from tests.inspections.conftest import fill_check, png_upload

ROOT = Path(__file__).resolve().parent.parent
WORKBENCH_POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}


def policy(response) -> dict[str, set[str]]:
    """The Content-Security-Policy header as {directive: {sources}}."""
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in filter(None, (p.strip() for p in header.split(";"))):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


class InlineCode(HTMLParser):
    """Collects what a strict content security policy refuses in a page: a <script> with a
    body (a JSON data block from json_script is data, not code, and is allowed), an on*= event
    handler, a style= attribute, a <style> element, a javascript: link."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f"<{tag} style={value!r}>")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.found.append("<style>")
        if tag == "script":
            if "src" in attributes:
                self.scripts.append(attributes["src"])
            elif attributes.get("type") != "application/json":
                self.found.append("<script> without src")


def inline_code(html: str) -> InlineCode:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture
def workbench(city):
    """One of each thing the workbench shows, in A1 (company A, street 1, community 1)."""
    today = timezone.localdate()
    check = inspection_services.inspection_open(
        compound=city.compounds["A1"], period=today.replace(day=1), actor=None
    )
    hazard = inspection_services.hazard_raise(
        compound=city.compounds["A1"],
        actor=city.street,
        category="fire",
        description="消防通道堆放杂物",
        responsible_party="甲物业公司",
        deadline=today + datetime.timedelta(days=10),
        photo=png_upload(),
    )
    case = dispute_services.case_register(
        actor=city.manager_a,
        compound=city.compounds["A1"],
        level=Level.COMMUNITY,
        category=Category.NOISE,
        source=Source.RESIDENT,
        description="楼上装修噪声扰民",
        parties=[
            {"role": "applicant", "name": "王小明", "phone": "13812345678", "id_number": ""},
            {"role": "respondent", "name": "李大海", "phone": "", "id_number": ""},
        ],
    )
    job = ExportJob.objects.create(
        user=city.manager_a, exporter=HazardsExporter.key, params={}, rows_total=5
    )
    return {"check": check, "hazard": hazard, "case": case, "job": job}


# (user, url name, arguments from the workbench fixture): every page of each app, as the role
# that sees the most of it (a form where the role may fill it).
PAGES = [
    ("manager_a", "communities:home", {}),
    ("manager_a", "communities:compound_detail", {"code": "A1"}),
    ("manager_a", "communities:notifications", {}),
    ("manager_a", "communities:guide", {}),
    ("manager_a", "communities:export_job", {"pk": "job"}),
    ("manager_a", "inspections:check_list", {}),
    ("manager_a", "inspections:inspection_detail", {"pk": "check"}),
    ("manager_a", "inspections:inspection_print", {"pk": "check"}),
    ("street", "inspections:hazard_list", {}),
    ("street", "inspections:hazard_new", {}),
    ("street", "inspections:hazard_detail", {"pk": "hazard"}),
    ("bureau", "inspections:key_management_list", {}),
    ("community", "disputes:case_list", {}),
    ("community", "disputes:case_register", {}),
    ("community", "disputes:case_detail", {"pk": "case"}),
    ("community", "disputes:case_print", {"pk": "case"}),
    ("manager_a", "password_change", {}),
    ("manager_a", "twofactor:security", {}),
    ("manager_a", "twofactor:setup", {}),
]


@pytest.mark.parametrize(("who", "name", "kwargs"), PAGES, ids=[p[1] for p in PAGES])
def test_workbench_pages_have_no_inline_script_or_style(client, city, workbench, who, name, kwargs):
    client.force_login(getattr(city, who))
    args = {
        key: workbench[value].pk if value in workbench else value for key, value in kwargs.items()
    }
    response = client.get(reverse(name, kwargs=args))

    assert response.status_code == 200
    page = inline_code(response.content.decode())
    assert page.found == []
    assert all(
        src.startswith(settings.STATIC_URL) or src.startswith("/" + settings.STATIC_URL)
        for src in page.scripts
    )
    assert policy(response) == WORKBENCH_POLICY


def test_every_guide_page_has_no_inline_style(client, city):
    """The guide is Markdown rendered by the app: no page of it may carry inline code."""
    client.force_login(city.manager_a)
    names = guide.page_names()
    assert len(names) > 1
    for name in names:
        response = client.get(guide.page_url(name))
        assert response.status_code == 200, name
        assert inline_code(response.content.decode()).found == [], name


def test_an_aligned_guide_table_column_is_aligned_without_a_style_attribute(settings, tmp_path):
    """Python-Markdown writes style="text-align: …" for an aligned column unless told not to."""
    (tmp_path / "README.md").write_text(
        "# 表\n\n| 项目 | 分数 |\n|:---|---:|\n| 消防 | 10 |\n", encoding="utf-8"
    )
    settings.USER_GUIDE_DIR = tmp_path
    guide._rendered.cache_clear()
    try:
        html = guide.render_page("README").html
    finally:
        guide._rendered.cache_clear()

    assert '<td align="right">10</td>' in html
    assert inline_code(html).found == []


def test_the_submit_confirmation_swapped_in_by_htmx_has_no_inline_handler(client, city, workbench):
    """The confirmation's 暂不提交 button worked with onclick=; it is data-clear now."""
    check = fill_check(workbench["check"], city.manager_a)
    client.force_login(city.manager_a)
    response = client.post(
        reverse("inspections:inspection_submit", kwargs={"pk": check.pk}), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="confirm-submit"' in html
    assert 'data-clear="submit-result"' in html
    assert inline_code(html).found == []


def test_login_and_error_pages_carry_the_workbench_policy(client, db):
    for response, status in (
        (client.get(reverse("login")), 200),
        (client.get("/no-such-page/"), 404),
    ):
        assert response.status_code == status
        assert inline_code(response.content.decode()).found == []
        assert policy(response) == WORKBENCH_POLICY


def test_our_templates_hold_no_inline_script_or_style():
    """Every template of ours, rendered or not (a partial, an admin override), in its source."""
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        for pattern in (r"<style\b", r"\sstyle=", r"\son[a-z]+=", r"<script(?![^>]*\bsrc=)[^>]*>"):
            found += [
                f"{path.relative_to(ROOT)}: {m.group(0)}" for m in re.finditer(pattern, source)
            ]
    assert found == []


# Headers ----------------------------------------------------------------------------------


def test_workbench_headers_refuse_framing_and_keep_the_referrer_home(client, city):
    client.force_login(city.manager_a)
    response = client.get(reverse("communities:home"))

    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert policy(response) == WORKBENCH_POLICY


@pytest.mark.parametrize(
    "url",
    ["/admin/", "/admin/login/", "/admin/communities/compound/", "/admin/no-such-page/"],
)
def test_admin_pages_allow_inline_styles_and_nothing_else_more(client, city, url):
    """The admin's own templates use style= and <style>: its policy adds 'unsafe-inline' to
    style-src, and only there; its scripts stay our own files."""
    client.force_login(city.bureau)
    response = client.get(url, follow=True)

    assert response.status_code in {200, 404}
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    expected = {**WORKBENCH_POLICY, "style-src": {"'self'", "'unsafe-inline'"}}
    assert policy(response) == expected


def test_the_policy_has_no_unsafe_source_outside_the_admin_style(client, city):
    client.force_login(city.manager_a)
    header = client.get(reverse("inspections:check_list")).headers["Content-Security-Policy"]

    assert "unsafe" not in header
    assert "nonce" not in header


def test_every_template_is_checked():
    """The scan above reads templates/ only: no app keeps templates of its own."""
    app_templates = [
        p
        for app in ("communities", "inspections", "disputes")
        for p in (ROOT / app).rglob("templates")
    ]
    assert app_templates == []
