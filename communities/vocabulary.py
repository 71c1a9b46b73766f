"""One word per choice: the model's label, everywhere.

Screens, exports, import templates and import parsers all show a choice by its model label
(``TextChoices``), whose Chinese is the zh-hans catalogue's. Files are written in
``FILE_LANGUAGE``; nothing keeps a second table of Chinese words.

An import reads a choice from its label (in the file's language or the reader's), its stored
value, or one of the older spellings earlier files used (``aliases``, documented in the import
templates as "also accepted"), so a ledger written with «装修» imports as well as «装修纠纷».
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from django.db.models import Choices
from django.utils.translation import get_language, override

#: the language of every spreadsheet the site writes (headers, choice words)
FILE_LANGUAGE = "zh-hans"
SEPARATOR = "、"


def _pairs(choices) -> list[tuple[str, object]]:
    return list(choices.choices if hasattr(choices, "choices") else choices)


@functools.lru_cache(maxsize=512)
def _labels(choices: type, language: str | None) -> dict:
    """A choices class's labels by value in one language (an export asks per cell)."""
    return {known: str(label) for known, label in choices.choices}


def choice_label(choices, value, default: str = "") -> str:
    """The label of ``value`` in the active language; ``default`` for an empty value and the
    value itself for one the choices do not know."""
    if isinstance(choices, type) and issubclass(choices, Choices):  # not hasattr: it builds them
        label = _labels(choices, get_language()).get(value)
        if label is not None:
            return label
    else:
        for known, label in _pairs(choices):
            if known == value:
                return str(label)
    return default if value in (None, "") else str(value)


def choice_labels(choices) -> list[str]:
    return [str(label) for _value, label in _pairs(choices)]


def choice_words(choices) -> str:
    """The labels for a help text: «邻里纠纷、物业服务、…»."""
    return SEPARATOR.join(choice_labels(choices))


class ChoiceReader:
    """Reads a choice from a spreadsheet cell: label, stored value or an older spelling."""

    def __init__(self, choices, aliases: Mapping[str, str] | None = None):
        self.choices = choices
        self.aliases = dict(aliases or {})
        self._tables: dict[str | None, dict[str, str]] = {}

    def lookup(self) -> dict[str, str]:
        language = get_language()
        if language not in self._tables:
            self._tables[language] = self._table()
        return self._tables[language]

    def _table(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for language in ("en", FILE_LANGUAGE):
            with override(language):
                for value, label in _pairs(self.choices):
                    table[str(label)] = value
                    table[str(label).lower()] = value
        for value, label in _pairs(self.choices):  # the reader's own language
            table[str(label)] = value
        table.update(self.aliases)
        for value, _label in _pairs(self.choices):
            table[value] = value
        return table

    def read(self, text: str) -> str | None:
        """The stored value for ``text``; None when it is no known word."""
        table = self.lookup()
        return table.get(text, table.get(text.lower()))

    def also_accepted(self) -> list[str]:
        return list(self.aliases)

    def help_text(self) -> str:
        """The labels, then the older spellings also accepted."""
        words = choice_words(self.choices)
        if self.aliases:
            return f"{words}（也接受：{SEPARATOR.join(self.aliases)}）"
        return words


def file_word(word) -> str:
    """A catalogue word (a lazy msgid, a verbose name, a label) in the file's language.

    Column headers are computed once, when their module loads (after the app registry, as
    every module that defines headers is imported from an app's ``ready()`` or later): they are
    the file format, the same words whoever exports, and the catalogue's words.
    """
    with override(FILE_LANGUAGE):
        return str(word)


def field_word(model, name: str) -> str:
    """A model field's verbose name in the file's language: the screen's word for it."""
    return file_word(model._meta.get_field(name).verbose_name)
