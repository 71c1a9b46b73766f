"""The user guide, served by the app, and the link from each workbench page to its section.

The guide is the Markdown in ``docs/user-guide/`` (``settings.USER_GUIDE_DIR``), the same files
the code host shows: ``README.md`` is the guide's first page (``/help/``), every other ``NAME.md``
is ``/help/NAME/``. Headings get the anchors the code host gives them, so one link works in both
places. Each app says which section explains which of its pages (``register_sections`` from its
``AppConfig.ready()``); ``templates/base.html`` shows the link.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import markdown
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

INDEX = "README"
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SECTIONS: dict[str, str] = {}  # "namespace:url_name" -> "page#anchor"
_ID = re.compile(r'\sid="([^"]+)"')
_LINK = re.compile(r'href="(?:\./)?([a-z0-9-]+|README)\.md(#[^"]*)?"', re.IGNORECASE)
_IMAGE = re.compile(r'src="(?:\./)?img/([^"/]+)"')


def github_anchor(text: str, separator: str = "-") -> str:
    """The anchor the code host gives a heading: lower case, punctuation dropped (CJK kept),
    each space a hyphen. ``## 2. 首页：我的小区`` -> ``2-首页我的小区``."""
    text = unicodedata.normalize("NFC", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", separator)


@dataclass(frozen=True)
class GuidePage:
    name: str
    title: str
    html: str
    anchors: frozenset[str]


def page_names() -> list[str]:
    """Every page of the guide, the first page first."""
    names = sorted(p.stem for p in Path(settings.USER_GUIDE_DIR).glob("*.md") if p.stem != INDEX)
    return [INDEX, *names]


def page_url(name: str, anchor: str = "") -> str:
    url = (
        reverse("communities:guide")
        if name == INDEX
        else reverse("communities:guide_page", args=[name])
    )
    return f"{url}#{anchor}" if anchor else url


def _rewrite(html: str) -> str:
    """Links between guide pages and screenshots, as the app serves them."""
    html = _LINK.sub(lambda m: f'href="{page_url(m.group(1))}{m.group(2) or ""}"', html)
    return _IMAGE.sub(
        lambda m: f'src="{static("user-guide/img/" + m.group(1))}" loading="lazy"', html
    )


def render_page(name: str) -> GuidePage | None:
    """The page as HTML, or None if the guide has no such page (only the guide's own pages are
    rendered and kept, so no address can make the cache grow)."""
    if name != INDEX and not _NAME.match(name):
        return None
    if not (Path(settings.USER_GUIDE_DIR) / f"{name}.md").is_file():
        return None
    return _rendered(name)


@cache
def _rendered(name: str) -> GuidePage:
    """A page of the guide as HTML, once per process."""
    source = (Path(settings.USER_GUIDE_DIR) / f"{name}.md").read_text(encoding="utf-8")
    converter = markdown.Markdown(
        extensions=["toc", "tables", "fenced_code", "sane_lists"],
        # An aligned table column gets align=, not style= (the content security policy refuses
        # style attributes on the workbench).
        extension_configs={
            "toc": {"slugify": github_anchor},
            "tables": {"use_align_attribute": True},
        },
    )
    html = _rewrite(converter.convert(source))
    title = next((line[2:].strip() for line in source.splitlines() if line.startswith("# ")), name)
    return GuidePage(name=name, title=title, html=html, anchors=frozenset(_ID.findall(html)))


def register_sections(namespace: str, sections: dict[str, str]) -> None:
    """``{url_name: "page#anchor"}``: the guide section that explains each page of an app."""
    for url_name, section in sections.items():
        _SECTIONS[f"{namespace}:{url_name}"] = section


def sections() -> dict[str, str]:
    return dict(_SECTIONS)


def section_url(view_name: str | None) -> str:
    """The link for a page: its own section, else the guide's first page."""
    page, _, anchor = _SECTIONS.get(view_name or "", INDEX).partition("#")
    return page_url(page, anchor)
