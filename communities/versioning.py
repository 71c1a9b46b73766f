"""Optimistic locking (issue 15): two people editing the same record at once. The second save
is refused with a clear message instead of silently overwriting the first.

A page that edits a record posts the record's version as it was shown (``version``: its
``updated_at``, which every save moves). The save compares it with the row read under a row
lock (``SELECT … FOR UPDATE``, in the request's transaction): a save under way in another
request is waited for, then seen. A changed row refuses the save; the page comes back showing
the record as it now is, with what was typed kept, and a second submit, made knowing, goes
through. Used by the workbench's record actions (``communities.actions``) and every scoped
admin change form (``ScopedAdminMixin.get_form``).
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

VERSION = "version"
MSG_CHANGED_MEANWHILE = _(
    "Someone else changed this record after you opened the page. The page now shows it as it "
    "is, and what you entered is kept: check it, then submit again."
)


def versioned(model) -> bool:
    return any(field.name == "updated_at" for field in model._meta.concrete_fields)


def version_of(record) -> str:
    return record.updated_at.isoformat() if record.updated_at else ""


def changed_meanwhile(model, pk, posted: str | None) -> bool:
    """Whether the row changed since ``posted`` (its version as shown); False when no version
    was posted (a page that does not take part)."""
    if not posted or pk is None or not versioned(model):
        return False
    try:
        seen = datetime.datetime.fromisoformat(posted)
    except ValueError:
        return True
    current = (
        model._default_manager.select_for_update()
        .filter(pk=pk)
        .values_list("updated_at", flat=True)
        .first()
    )
    return current is not None and current != seen


class VersionCheckMixin:
    """For a ModelForm: refuse the save when the instance changed since the page was shown."""

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        if changed_meanwhile(type(instance), instance.pk, self.data.get(VERSION)):
            raise ValidationError(MSG_CHANGED_MEANWHILE, code="changed_meanwhile")
        return cleaned
