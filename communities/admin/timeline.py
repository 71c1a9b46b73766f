"""Timelines and people in the admin, in the reader's words.

Every app's event model is a ``communities.models.base.TimelineEvent`` with its actions as
``TextChoices`` and its record's statuses named on the model (architecture 3.5). Its admin
pages show those labels, never the stored codes (``submit``, ``rectifying``), and people by
their names (``get_full_name``, else the username), never bare usernames; an empty actor is
the system (a scheduled job).
"""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.people import person_name

SYSTEM = _("system")


def person_column(model, field: str, *, system: bool = False, description=None):
    """A read-only column (or field) showing the user in ``model.field`` by their name, under
    the field's own verbose name; with ``system`` an empty one reads «系统» (a scheduled job
    acted), else a dash."""
    if description is None:
        description = model._meta.get_field(field).verbose_name

    @admin.display(description=description, ordering=f"{field}__first_name")
    def column(self, obj):
        user = getattr(obj, field)
        if user is None:
            return SYSTEM if system else "—"
        return person_name(user)

    return column


class TimelineStatusFilter(admin.SimpleListFilter):
    """Filter a timeline by the status a step led to, offered by its label."""

    title = _("to")
    parameter_name = "to_status"

    def lookups(self, request, model_admin):
        statuses = model_admin.model.statuses
        return list(statuses.choices) if statuses is not None else []

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(to_status=self.value())
        return queryset


class TimelineColumnsMixin:
    """Columns of an event model (``TimelineEvent``) in words: the action's and statuses'
    labels and the actor's name. Use ``action_label``, ``from_label``, ``to_label`` and
    ``actor_name`` in ``list_display`` or in an inline's ``fields``."""

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, obj):
        return obj.label

    @admin.display(description=_("from"), ordering="from_status")
    def from_label(self, obj):
        return obj.from_label or "—"

    @admin.display(description=_("to"), ordering="to_status")
    def to_label(self, obj):
        return obj.to_label or "—"

    @admin.display(description=_("by"), ordering="actor__first_name")
    def actor_name(self, obj):
        return person_name(obj.actor) if obj.actor_id else SYSTEM


def short_date_column(model, field: str, *, with_time: bool = False, description=None):
    """A date (or moment, local) column as ``2026-12-05`` (``2026-12-05 14:30``): half the
    width of «2026年12月5日», so a change list fits a 1280 px screen."""
    if description is None:
        description = model._meta.get_field(field).verbose_name

    @admin.display(description=description, ordering=field)
    def column(self, obj):
        value = getattr(obj, field)
        if value is None:
            return "—"
        if with_time:
            return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value).date()
        return f"{value:%Y-%m-%d}"

    return column
