"""The audit log's history page in the reader's words (``templates/auditlog/entry_detail.html``):
choices by their labels, dates local, users by name and empty values as a dash, where
django-auditlog's own table shows the stored codes (``open``, ``None``)."""

from django import template
from django.utils.translation import gettext as _

from communities.people import person_name

register = template.Library()
EMPTY = {"", "None", "none"}


def _shown(value) -> str:
    text = str(value)
    if text in ("True", "False"):
        return _("Yes") if text == "True" else _("No")
    return "—" if text in EMPTY else text


@register.filter
def audit_rows(entry) -> list[tuple[str, str, str]]:
    """(field, before, after) for each field the entry changed; a many-to-many change reads
    (relation, the operation, the objects)."""
    raw = entry.changes_dict or {}
    rows = []
    display = {}
    try:
        display = entry.changes_display_dict
    except Exception:  # a model that no longer exists: fall back to the stored values
        display = {}
    labels = {}
    model = entry.content_type.model_class()
    for name in raw:
        try:
            field = model._meta.get_field(name)
        except Exception:
            labels[name] = name
            continue
        # The id and reverse relations («communities.Street.None») say nothing to a reader.
        if field.concrete and not field.primary_key:
            labels[name] = str(field.verbose_name)
    for name, change in sorted(raw.items()):
        if name not in labels:
            continue
        if isinstance(change, dict):
            objects = "、".join(str(o) for o in change.get("objects", []))
            rows.append((labels[name], str(change.get("operation", "")), objects))
            continue
        shown = display.get(labels[name]) or display.get(name) or change
        if not isinstance(shown, (list, tuple)) or len(shown) != 2:
            shown = change
        rows.append((labels[name], _shown(shown[0]), _shown(shown[1])))
    return rows


@register.filter
def audit_actor(entry) -> str:
    return person_name(entry.actor) if entry.actor_id else ""
