"""A workbench list's filter in words, for the first sheet of its export (and any page).

Every active filter is named by its label in the active language (the writer's: zh-hans), so a
file sent on says what it holds: «状态：未结案；登记年份：2026；小区：甲一小区（A1）».
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence

from communities.privacy import mask_numbers_in_text

FILTER_SEPARATOR = "；"


def _shown(field, value) -> str:
    label_of = getattr(field, "label_of", None)
    if label_of is not None:  # too many choices to list (a compound): the field names its own
        return label_of(value)
    if hasattr(value, "pk"):  # a model choice: the object's own name
        label_from_instance = getattr(field, "label_from_instance", str)
        return label_from_instance(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    choices = getattr(field, "choices", None)
    if choices is not None:
        for key, label in choices:
            if key == value or str(key) == str(value):
                return str(label)
    # Typed text (a search): a file is sent on, so a phone or ID number typed is masked.
    return mask_numbers_in_text(str(value))


def describe_form(
    form, *, first: Sequence[str] = (), shown: dict[str, Callable] | None = None
) -> str:
    """A list's filter form in words, every active filter named by its label:
    «状态：未结案；登记年份：2026；小区：甲一小区（A1）». ``first`` comes before (a tab), ``shown``
    puts a field's value into words its own way (a month as 2026-10). A value the list left out
    (``FilterForm.refused``) is named too, so the file never claims a filter it did not apply."""
    form.is_valid()
    shown = shown or {}
    parts = [str(part) for part in first]
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in ("", None, False) or value == []:
            continue
        label = str(field.label)
        if value is True:
            parts.append(label)
        elif name in shown:
            parts.append(f"{label}：{shown[name](value)}")
        else:
            parts.append(f"{label}：{_shown(field, value)}")
    refused = getattr(form, "refused", None)
    left_out = [f"{label}（{message}）" for label, message in refused()] if refused else []
    if left_out:
        parts.append("未采用：" + "、".join(left_out))
    return FILTER_SEPARATOR.join(parts)
