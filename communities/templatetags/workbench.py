"""Small helpers for the workbench templates."""

from django import template
from django.apps import apps
from django.utils.text import capfirst

register = template.Library()


@register.simple_tag
def field_label(model, field_name: str) -> str:
    """A model field's translated ``verbose_name``, capitalised, so the admin and the workbench
    share one label: ``{% field_label "communities.Compound" "household_count" %}``.

    ``model`` is an ``app_label.ModelName`` string or a model instance.
    """
    if isinstance(model, str):
        model = apps.get_model(model)
    return capfirst(model._meta.get_field(field_name).verbose_name)


@register.filter
def percent(rate) -> str:
    """A rate (0–1) as a percent with one decimal (``0.9813`` → ``98.1%``); no rate → ``—``."""
    if rate is None or rate == "":
        return "—"
    return f"{float(rate) * 100:.1f}%"
