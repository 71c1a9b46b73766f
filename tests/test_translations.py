"""The zh-hans catalogue is complete and its compiled .mo matches the .po."""

import ast
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> list[dict[str, str]]:
    """(msgid, msgstr) of a .po file: enough of the format for our own catalogue."""
    entries, current, key = [], {}, None
    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        if not line:
            if current:
                entries.append(current)
            current, key = {}, None
        elif line.startswith("#"):
            current.setdefault("flags", "")
            current["flags"] += line
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
    return [e for e in entries if e.get("msgid")]


def _translated(entry: dict[str, str]) -> str:
    if "msgctxt" in entry:
        return translation.pgettext(entry["msgctxt"], entry["msgid"])
    return translation.gettext(entry["msgid"])


def test_every_message_has_a_chinese_translation():
    entries = _entries(PO.read_text(encoding="utf-8"))
    assert len(entries) > 150
    untranslated = [e["msgid"] for e in entries if not (e.get("msgstr") or e.get("msgstr[0]"))]
    assert untranslated == []
    assert not [e["msgid"] for e in entries if "fuzzy" in e.get("flags", "")]


def test_the_compiled_catalogue_matches_the_po_file():
    entries = _entries(PO.read_text(encoding="utf-8"))
    with translation.override("zh-hans"):
        stale = [e["msgid"] for e in entries if "msgstr" in e and _translated(e) != e["msgstr"]]
    assert stale == [], "run `make messages` to recompile the catalogue"


def test_english_works_too():
    with translation.override("en"):
        assert translation.gettext("My compounds") == "My compounds"
    with translation.override("zh-hans"):
        assert translation.gettext("My compounds") == "我的小区"
        # One English word, two meanings: told apart by context.
        assert translation.gettext("building") == "楼栋"
        assert translation.pgettext("hazard category", "building") == "建筑"
