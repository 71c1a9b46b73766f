"""Texts that Django's admin and django-auditlog show but whose own Chinese catalogues lack.

Named here so that ``makemessages`` keeps them in the project's catalogue, which wins over
the libraries' own (``LOCALE_PATHS``): the admin index's hidden column headers, the audit
log's name (the index's «审计日志» section and every list's «审计日志» column) and its history
page. Nothing imports this module.
"""

from django.utils.translation import gettext_noop as _
from django.utils.translation import ngettext

DJANGO_ADMIN = [
    _("Model name"),
    _("Add link"),
    _("Change or view list link"),
]

AUDITLOG = [
    _("Audit log"),
    _("Audit log: %s"),
    _("Field"),
    _("From"),
    _("To"),
    _("Relationship"),
    _("Action"),
    _("Objects"),
    _("create"),
    _("update"),
    _("delete"),
    _("access"),
    _("No log entries found."),
    _("No field changes"),
    # the global log's list and entry page (operators)
    _("Correlation ID"),
    _("Click to filter by records with this correlation id"),
    _("Created"),
    _("User"),
    _("Changes"),
    _("Resource"),
    _("Resource Type"),
    _("content type"),
    _("object pk"),
    _("object id"),
    _("object representation"),
    _("change message"),
    _("actor"),
    _("remote address"),
    _("remote port"),
    _("timestamp"),
    _("additional data"),
    _("actor email"),
    _("log entry"),
    _("log entries"),
    _("Created {repr:s}"),
    _("Updated {repr:s}"),
    _("Deleted {repr:s}"),
    _("Logged {repr:s}"),
]


def _plural_forms() -> None:  # pragma: no cover - never called: makemessages reads it
    ngettext("entry", "entries", 0)
