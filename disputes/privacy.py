"""What a reader sees of a case's parties and free text: the parties' names masked unless the
reader may see dispute parties in full (``shows_parties``).

Who may: a role holding ``disputes.view_party_data`` (bureau admins, street and community
admins, community staff; no property-company role by default, even one that sees households'
personal data), and never on a case that concerns the reader's own property company (回避,
``disputes.conflict``), whatever their role.

The parties' names are masked in their own fields; a description, a plan, a session's record, a
return visit's note or a timeline note may name them too. Every place that shows or exports
a case's texts (the case page, the printable case file, the admin, the export) masks them
here, with the names of the case's own parties.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Prefetch

from communities import audit
from communities.people import person_name
from communities.privacy import mask_instance, mask_value, text_masker
from disputes import selectors as s
from disputes.conflict import company_ties
from disputes.models import CaseEvent, DisputeCase, MediationSession, Party, ReturnVisit
from disputes.roles import sees_parties

# The free text of each record of a case, as the pages, the admin and the export show it.
CASE_TEXTS = ("description", "plan", "outcome", "referred_where")
SESSION_TEXTS = ("mediators", "other_attendees", "agreed")
VISIT_TEXTS = ("note",)
EVENT_TEXTS = ("note",)
ALL_TEXTS = frozenset(CASE_TEXTS + SESSION_TEXTS + VISIT_TEXTS + EVENT_TEXTS)


def shows_parties(user, case: DisputeCase) -> bool:
    """Are this case's parties, texts and agreement shown to the user in full?"""
    return sees_parties(user) and not company_ties(user).conflicted(case)


def searches_party_texts(user) -> bool:
    """May the user search and filter on parties and texts (which would confirm a guessed
    name)? Not a reader who may see no party in full, nor a member of any property company."""
    return sees_parties(user) and not company_ties(user).company_ids


def _unchanged(text: str) -> str:
    return text or ""


def case_text_masker(parties: Iterable, *, shown: bool) -> Callable[[str], str]:
    """How this reader sees a text of the case whose ``parties`` (unmasked Party rows) are
    given: as it is when ``shown`` (may see personal data), else with their names, and any
    phone or ID number, masked."""
    if shown:
        return _unchanged
    return text_masker(party.name for party in parties)


def mask_texts(objects: Iterable, fields: Iterable[str], mask: Callable[[str], str]) -> None:
    """Mask the named text fields of objects read for display (never saved) in place."""
    fields = tuple(fields)
    for obj in objects:
        for field in fields:
            setattr(obj, field, mask(getattr(obj, field)))


@dataclass
class CaseFile:
    """Everything the case page and the printable case file show of a case, as one reader
    sees it: parties and texts masked unless ``shown``."""

    case: DisputeCase
    parties: list[Party]
    sessions: list[MediationSession]
    visits: list[ReturnVisit]
    events: list[CaseEvent]
    shown: bool

    @property
    def masked(self) -> bool:
        return not self.shown


def case_file(*, user, case: DisputeCase) -> CaseFile:
    """The case's parties, sessions (with who came), return visits and timeline, read in scope
    (``disputes.selectors``), with the parties and the names in every text masked for a reader
    who may not see them in full (``shows_parties``). The objects are for display only, never
    saved."""
    shown = shows_parties(user, case)
    parties = list(s.case_parties(user=user, case=case))
    present = Prefetch("parties_present", queryset=Party.objects.visible_to(user).order_by("pk"))
    sessions = list(
        s.case_sessions(user=user, case=case).prefetch_related(present, "staff_present")
    )
    visits = list(s.case_return_visits(user=user, case=case))
    events = list(s.case_events(user=user, case=case))
    if not shown:
        mask = case_text_masker(parties, shown=False)  # from the names, before they are masked
        mask_texts([case], CASE_TEXTS, mask)
        mask_texts(sessions, SESSION_TEXTS, mask)
        mask_texts(visits, VISIT_TEXTS, mask)
        mask_texts(events, EVENT_TEXTS, mask)
        for party in parties:
            mask_instance(party)
        for session in sessions:
            for party in session.parties_present.all():
                mask_instance(party)
    for session in sessions:
        session.present = attendee_names(session)
    return CaseFile(case, parties, sessions, visits, events, shown)


def attendee_names(session: MediationSession, mask: Callable[[str], str] | None = None) -> list:
    """Who came, in words: the parties, the people working on the case, then the others in
    free text. With ``mask`` (a case's ``case_text_masker``) the parties' names and the free
    text are masked here; without it they are shown as the objects hold them."""
    names = []
    for party in session.parties_present.all():
        name = mask_value(Party, "name", party.name) if mask else party.name
        names.append(f"{name}（{party.get_role_display()}）")
    names += [person_name(u) for u in session.staff_present.all()]
    if session.other_attendees:
        names.append(mask(session.other_attendees) if mask else session.other_attendees)
    return names


def case_file_seen(request, seen: CaseFile) -> None:
    """A page showed the case's parties in full: the audit trail says who saw their names, and
    which of phone and ID number were there (a reader shown them masked leaves no entry)."""
    fields = sorted({f for p in seen.parties for f in ("phone", "id_number") if getattr(p, f)})
    if seen.shown and seen.parties:
        audit.personal_data_viewed(request, target=seen.case, fields=["name", *fields])


def agreement_seen(request, case: DisputeCase) -> None:
    """The signed agreement (names and ID numbers) was downloaded."""
    audit.personal_data_viewed(request, target=case, fields=["agreement_file"])
