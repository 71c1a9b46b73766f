"""The province-scale data generator (issue 14): no models, no URLs; imported by no app."""

from django.apps import AppConfig


class ScaleConfig(AppConfig):
    name = "scale"
    default_auto_field = "django.db.models.BigAutoField"
