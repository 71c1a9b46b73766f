"""A case's free text in the admin, as in the workbench: the parties' names masked for users who
are not shown the case's parties in full (``disputes.privacy.shows_parties``: the role, and
回避 for the company a case concerns).

An admin class lists its text fields in ``masked_texts``; for such a user each is swapped, per
request and case, for its ``<field>_masked`` column (``masked_text_column``), never by changing
the (shared) admin class; the texts and parties are left out of the search and the address's
filters for anyone who may not search them (``searches_party_texts``), which would confirm a
guessed name, and their old and new values are masked on the object's audit history page.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Prefetch
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import pgettext_lazy

from disputes.models import DisputeCase, Party
from disputes.privacy import (
    ALL_TEXTS,
    attendee_names,
    case_text_masker,
    searches_party_texts,
    shows_parties,
)
from disputes.roles import sees_parties

MASKED = "_masked"
# Filters in the address through a case's parties (their names, phones, ID numbers).
PARTY_LOOKUPS = frozenset({"parties", "parties_present"})
PRESENT = pgettext_lazy("mediation session", "Present")


def _masker(obj):
    """The names masker of the object's case, built once per case object."""
    case = obj if isinstance(obj, DisputeCase) else obj.case
    if "_name_masker" not in case.__dict__:
        case._name_masker = case_text_masker(case.parties.all(), shown=False)
    return case._name_masker


def masked_text_column(field: str, description):
    """A read-only field showing one text of a case (or of a row of a case) with the case's
    parties' names masked."""

    @admin.display(description=description)
    def column(self, obj):
        return _masker(obj)(getattr(obj, field)) or "—"

    return column


def mask_changes(changes: dict, fields, mask) -> dict:
    """An audit entry's changes (field → [old, new]) with the named texts masked."""
    masked = dict(changes)
    for field in set(fields) & set(changes):
        values = changes[field]
        if isinstance(values, list):
            masked[field] = [mask(v) if isinstance(v, str) else v for v in values]
    return masked


def shows_parties_of(user, obj) -> bool:
    """``shows_parties`` for an admin object: a case, or a row of a case (no object: the
    role alone)."""
    if obj is None:
        return sees_parties(user)
    return shows_parties(user, obj if isinstance(obj, DisputeCase) else obj.case)


class MaskedTextsMixin:
    """Swap the ``masked_texts`` fields for their masked columns for users who may not see
    personal data (fields, fieldsets, read-only fields and search)."""

    masked_texts: tuple[str, ...] = ()

    def _swap(self, request, names, obj=None):
        # ``obj`` is the case (an inline's is its parent's): 回避 is decided per case.
        if shows_parties_of(request.user, obj):
            return names
        return [f"{name}{MASKED}" if name in self.masked_texts else name for name in names]

    def get_fields(self, request, obj=None):
        return self._swap(request, super().get_fields(request, obj), obj)

    def get_fieldsets(self, request, obj=None):
        return [
            (title, {**options, "fields": self._swap(request, options["fields"], obj)})
            for title, options in super().get_fieldsets(request, obj)
        ]

    def get_readonly_fields(self, request, obj=None):
        return self._swap(request, super().get_readonly_fields(request, obj), obj)

    def lookup_allowed(self, lookup, value, request):
        # A filter in the address (?description__contains=赵明远, or through a relation,
        # ?sessions__agreed__contains=…, ?parties__name=…) would confirm a guessed name as the
        # search would.
        parts = lookup.split(LOOKUP_SEP)
        guesses = set(parts) & ALL_TEXTS or parts[0] in PARTY_LOOKUPS
        if guesses and not searches_party_texts(request.user):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if searches_party_texts(request.user):
            return fields
        return [name for name in fields if name not in self.masked_texts]

    def auditlog_history_view(self, request, object_id, extra_context=None):
        """The object's audit history: the texts' old and new values masked like the texts."""
        response = super().auditlog_history_view(request, object_id, extra_context)
        shown = shows_parties_of(request.user, response.context_data["object"])
        if shown or not self.masked_texts:
            return response
        page = response.context_data["log_entries"]
        page.object_list = list(page.object_list)  # the entries rendered are these, masked
        mask = _masker(response.context_data["object"])
        for entry in page.object_list:
            entry.changes = mask_changes(entry.changes_dict, self.masked_texts, mask)
        return response

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if queryset.model is not DisputeCase and not searches_party_texts(request.user):
            # Each row's case masks with its parties' names: one query for all the rows.
            queryset = queryset.prefetch_related("case__parties")
        return queryset


class SessionPresentMixin:
    """Who came to a session, in words (``present``), and for users who may not see personal
    data with the parties' names masked (``present_masked``): list ``present`` in the fields
    and in ``masked_texts``."""

    def get_queryset(self, request):
        present = Prefetch("parties_present", queryset=Party.objects.order_by("pk"))
        return super().get_queryset(request).prefetch_related(present, "staff_present")

    @admin.display(description=PRESENT)
    def present(self, obj):
        return "、".join(attendee_names(obj)) or "—"

    @admin.display(description=PRESENT)
    def present_masked(self, obj):
        return "、".join(attendee_names(obj, _masker(obj))) or "—"
