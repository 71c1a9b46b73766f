"""Export of dispute cases with their figures: one .xlsx, a sheet of cases and a sheet of figures.

The caller passes the cases, already scoped (``cases_for_list`` or the admin's scoped change
list); the figures sheet is ``dispute_figures`` of exactly those cases, so the two sheets always
agree. Parties are masked unless the user may see personal data; every text cell is written as
text, and one that could run as a formula gets a leading apostrophe
(``communities.exporting``). The queries do not grow with the cases: relations are joined, the
parties prefetched in one query, the figures are five aggregates.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.utils import timezone

from communities.exporting import XLSX_CONTENT_TYPE, cell_date, cell_number, xlsx_bytes
from communities.privacy import can_see_personal_data, mask_id_number, mask_name, mask_phone
from disputes import resources as r
from disputes.figures import dispute_figures
from disputes.models import Party


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def party_text(party: Party, personal: bool) -> str:
    name, phone, id_number = party.name, party.phone, party.id_number
    if not personal:
        name, phone, id_number = mask_name(name), mask_phone(phone), mask_id_number(id_number)
    parts = [r.ROLE_WORDS.get(party.role, party.role), name, phone, id_number]
    return " ".join(part for part in parts if part)


def export_queryset(cases: QuerySet, user) -> QuerySet:
    parties = Party.objects.visible_to(user).order_by("pk")
    return cases.select_related(
        "street", "compound__community", "handler", "leader"
    ).prefetch_related(Prefetch("parties", queryset=parties))


def case_rows(cases: QuerySet, *, user, today: datetime.date) -> Iterator[list]:
    personal = can_see_personal_data(user)
    for case in export_queryset(cases, user):
        yield [
            case.number,
            case.street.name,
            case.compound.community.name,
            case.compound.code,
            case.compound.name,
            r.CATEGORY_WORDS.get(case.category, case.category),
            r.SOURCE_WORDS.get(case.source, case.source),
            r.LEVEL_WORDS.get(case.level, case.level),
            r.STATUS_WORDS.get(case.status, case.status),
            cell_date(case.registered_at),
            case.deadline.isoformat(),
            r.YES if case.is_overdue(today) else r.NO,
            _person(case.handler),
            _person(case.leader),
            case.escalations,
            case.description,
            cell_number(case.amount),
            case.outcome,
            cell_date(case.closed_at),
            r.SATISFACTION_WORDS.get(case.satisfaction, ""),
            "; ".join(party_text(party, personal) for party in case.parties.all()),
        ]


def figure_rows(figures: dict, today: datetime.date) -> list[list]:
    rows = [["导出日期", "", today.isoformat()]]
    rows += [[label, "", cell_number(figures[key])] for key, label in r.FIGURE_ROWS]
    for key, title, words in r.BREAKDOWNS:
        rows += [[title, words.get(value, str(label)), n] for value, label, n in figures[key]]
    return rows


def cases_workbook(*, cases: QuerySet, user, today: datetime.date | None = None) -> bytes:
    """The .xlsx of these (already scoped) cases and their figures."""
    today = today or timezone.localdate()
    figures = dispute_figures(cases, today)
    return xlsx_bytes(
        [
            (r.CASES_SHEET, r.CASE_HEADERS, case_rows(cases, user=user, today=today)),
            (r.FIGURES_SHEET, r.FIGURE_HEADERS, figure_rows(figures, today)),
        ]
    )


def cases_export_response(*, cases: QuerySet, user, today: datetime.date | None = None):
    today = today or timezone.localdate()
    response = HttpResponse(
        cases_workbook(cases=cases, user=user, today=today), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="disputes-{today:%Y-%m-%d}.xlsx"'
    return response
