"""The holiday table in the admin: the same for every district (it is the national calendar).

It opens on this year and the years after (what deadlines are counted with now), newest first;
the year filter reaches back to every year the table holds. Holiday names are Chinese (the seed
writes them so; migration 0006 renamed rows an older version seeded in English).
"""

import datetime

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from communities.validators import ascii_int
from disputes.models import CalendarDay
from disputes.workdays import unknown_years

MSG_UNKNOWN_YEARS = _(
    "The calendar has no holidays for %(years)s: deadlines there count weekends only. "
    "Add that year's holidays and make-up working days when the State Council publishes them."
)
CURRENT = "current"
ALL = "all"


class YearFilter(admin.SimpleListFilter):
    """This year and later unless another year (or every year) is chosen."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [
            (CURRENT, _("This year and later")),
            *((str(d.year), str(d.year)) for d in years),
            (ALL, _("All years")),
        ]

    def value(self):
        return super().value() or CURRENT

    def choices(self, changelist):
        # No «全部» entry of Django's own: «全部年份» is one of the lookups, and the default
        # (this year and later) is shown as chosen when no year is in the URL.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == ALL:
            return queryset
        if value == CURRENT:
            return queryset.filter(date__year__gte=timezone.localdate().year)
        year = ascii_int(value)
        if year is None or not datetime.MINYEAR <= year <= datetime.MAXYEAR:
            # ?year=99999 was a 500 (no date has that year), ?year=٢٠٢٦ was read as 2026: the
            # admin's "incorrect lookup" shows the list again with its note.
            raise IncorrectLookupParameters(value)
        return queryset.filter(date__year=year)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "name"]
    list_filter = [YearFilter, "kind"]
    search_fields = ["name"]
    ordering = ["-date"]
    list_per_page = 100

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return date_format(obj.date, "D")

    def changelist_view(self, request, extra_context=None):
        today = timezone.localdate()
        missing = unknown_years(today, datetime.date(today.year + 1, 12, 31))
        if missing:
            messages.warning(
                request, MSG_UNKNOWN_YEARS % {"years": "、".join(str(y) for y in missing)}
            )
        return super().changelist_view(request, extra_context)
