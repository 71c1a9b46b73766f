"""The calendar of holidays and make-up working days (调休) that deadlines count."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("public holiday (a day off)")
    WORKDAY = "workday", _("make-up working day (调休)")


class CalendarDay(models.Model):
    """A day that breaks the weekday/weekend rule: a holiday on a weekday, or a weekend day
    worked to make up for one. Seeded from the chinese-calendar package; editable."""

    not_personal_data = {"name": "the name of a public holiday"}

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("holiday or make-up working day")
        verbose_name_plural = _("holidays and make-up working days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"
