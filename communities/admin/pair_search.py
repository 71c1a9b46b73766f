"""An admin search over a big table's pair index (``communities.search``).

Django's admin search asks ``UPPER(column) LIKE '%…%'`` of every searched column, joined to the
compound, which reads the whole table: 1 to 2.5 s over a province's million households. Here each
word must be found, as in Django's search, in one of the same fields (``get_search_fields``,
which may leave out the personal ones), but the rows are read from the table's own pair index
and the compounds' matches arrive as ids. SQLite (the embedded database) keeps Django's search.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.text import smart_split, unescape_string_literal

from communities import search


def search_words(search_term: str) -> list[str]:
    """The words of a search, split and unquoted as Django's admin does."""
    words = []
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        words.append(bit)
    return words


class PairSearchMixin:
    """Search ``row_columns`` (the columns of the table's ``row_index_sql`` index) and the
    compound at ``compound_path``; ``word_parts`` may add a part for other searched fields."""

    row_columns: tuple[str, ...] = ()
    compound_path = "compound"

    def get_search_results(self, request, queryset, search_term):
        if not search.indexed() or not search_term.strip():
            return super().get_search_results(request, queryset, search_term)
        fields = self.get_search_fields(request)
        for word in search_words(search_term):
            queryset = queryset.filter(search.any_of(*self.word_parts(request, fields, word)))
        return queryset, False

    def word_parts(self, request, fields, word) -> list[tuple[Q, Q]]:
        own = [field for field in fields if field in self.row_columns]
        parts = [search.row_part(self.row_columns, own, word)]
        if any(field.startswith(f"{self.compound_path}__") for field in fields):
            parts.append(search.compound_part(request.user, word, self.compound_path, codes=True))
        return parts
