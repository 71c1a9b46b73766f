"""The exporter base and the registry of exporters.

An exporter says what a spreadsheet holds — its columns (header, width, kind), its sheets and
how to read the rows for ``(user, params)`` starting from ``visible_to(user)`` — and how to put
the scope and the filter into words. It does not write files: ``communities.exports.writer``
does, inline or from the Celery task, through the same exporter.

Apps above ``communities`` register theirs from ``AppConfig.ready()`` with ``register``.
"""

from __future__ import annotations

import datetime
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict

TEXT, NUMBER, DATE, DATETIME = "text", "number", "date", "datetime"
MONTH = "month"  # a month: the first day as a date cell shown as 2026-10
KINDS = (TEXT, NUMBER, DATE, DATETIME, MONTH)
#: a number column's cell in a sheet's totals row: the sum of its cells
SUM = "sum"

#: what a number column shows in the totals row (``Sheet.totals``): ``SUM``, ``None`` (left
#: empty: a score, a version), or a function of every number column's sum by header (a rate is
#: the ratio of two sums, never a sum of rates: ``lambda sums: percent(sums[a], sums[b])``)
Total = str | Callable[[dict[str, Any]], Any] | None


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 12
    kind: str = TEXT
    total: Total = SUM

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


class Feed:
    """The rows of a sheet that another sheet's rows put in as they are read (a case's parties
    as the case streams past): the writer writes them as they come, so nothing is read twice
    and no more than one row's worth is held. A sheet whose ``rows`` is a ``Feed`` is written
    alongside the sheets before it; read on its own, it gives what was put so far."""

    def __init__(self) -> None:
        self._rows: deque = deque()

    def put(self, row: Sequence) -> None:
        self._rows.append(row)

    def __bool__(self) -> bool:
        return bool(self._rows)

    def __iter__(self) -> Iterator[Sequence]:
        rows = self._rows
        while rows:
            yield rows.popleft()


@dataclass
class Sheet:
    """One sheet: its title, columns and rows (an iterable, read once, in order; or a ``Feed``
    filled while an earlier sheet's rows are read)."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]
    #: the rows the progress bar counts (the main sheet); other sheets are small
    counted: bool = False
    #: rows above the header, as a form filed on paper has them: the first is the sheet's
    #: title (one cell, written large across the columns), the others as they are
    #: («填报单位：… / 填报日期：…»)
    title_rows: Sequence[Sequence] = ()
    #: a last row «合计» with each number column's ``total``, summed while the rows stream
    totals: bool = False


@dataclass
class ExportContext:
    """What every exporter gets: who asked, the filter, today (Asia/Shanghai)."""

    user: object
    params: dict = field(default_factory=dict)
    today: datetime.date | None = None
    #: what an exporter reads once per export (a filter form, a lookup table)
    cache: dict = field(default_factory=dict)


class Exporter:
    key: str = ""
    title: str = ""
    #: the permission needed to export ("app_label.codename")
    permission: str = ""
    #: the stored file's name before the date (ASCII): ``<filename>-YYYY-MM-DD-<job>.xlsx``
    filename: str = "export"
    #: what the browser saves it as, before the local date: ``住户-2026-12-05.xlsx``
    #: (Chinese, sent as RFC 5987 ``filename*``); ``filename`` when empty
    download_name: str = ""
    #: formats offered; every exporter writes .xlsx, flat ones also CSV
    formats: tuple[str, ...] = ("xlsx",)
    #: whether its rows hold personal data (shown in full to roles allowed to see it): the
    #: audit entry of each export says whether this one did
    personal_data: bool = False

    def queryset(self, ctx: ExportContext) -> QuerySet:
        """The rows of the main sheet, starting from ``visible_to(ctx.user)``."""
        raise NotImplementedError

    def count(self, ctx: ExportContext) -> int:
        return self.queryset(ctx).count()

    def sheets(self, ctx: ExportContext) -> list[Sheet]:
        raise NotImplementedError

    def describe_filter(self, ctx: ExportContext) -> str:
        """The filter in words ("" when everything visible is exported)."""
        return ""

    def described_filter(self, ctx: ExportContext) -> str:
        """``describe_filter`` worked out once per export (the info sheet and the audit)."""
        if "described_filter" not in ctx.cache:
            ctx.cache["described_filter"] = self.describe_filter(ctx)
        return ctx.cache["described_filter"]

    def shows_personal_data(self, ctx: ExportContext) -> bool:
        from communities.privacy import can_see_personal_data

        return self.personal_data and can_see_personal_data(ctx.user)

    def has_permission(self, user) -> bool:
        return bool(user and user.is_authenticated and user.has_perm(self.permission))


_REGISTRY: dict[str, Exporter] = {}


def register(exporter: Exporter) -> Exporter:
    """Add an exporter (an instance) to the registry; apps call this from ``ready()``."""
    if not exporter.key:
        raise ValueError("an exporter needs a key")
    _REGISTRY[exporter.key] = exporter
    return exporter


def list_filter_form(ctx: ExportContext, build: Callable[[QueryDict], Any]):
    """A list page's filter form read from the export's query string, bound and checked once per
    run: ``build(query)`` makes it as the list page does, so the file holds what the list shows."""
    if "form" not in ctx.cache:
        form = build(QueryDict(ctx.params["query"]))
        form.is_valid()
        ctx.cache["form"] = form
    return ctx.cache["form"]


def get_exporter(key: str) -> Exporter | None:
    return _REGISTRY.get(key)


def exporters() -> dict[str, Exporter]:
    return dict(_REGISTRY)


def describe_scope(user) -> str:
    """The user's organisations (their areas), in words: whose rows the file can hold."""
    if user.is_superuser:
        return "全部（系统管理员）"
    names = list(
        user.memberships.select_related("organisation")
        .order_by("organisation__name")
        .values_list("organisation__name", flat=True)
    )
    return "、".join(names) or "无"
