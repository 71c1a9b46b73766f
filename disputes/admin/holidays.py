"""The holiday table in the admin: the same for every district (it is the national calendar)."""

import datetime

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from disputes.models import CalendarDay
from disputes.workdays import unknown_years

MSG_UNKNOWN_YEARS = _(
    "The calendar has no holidays for %(years)s: deadlines there count weekends only. "
    "Add that year's holidays and make-up working days when the State Council publishes them."
)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "name"]
    list_filter = ["kind", ("date", admin.DateFieldListFilter)]
    search_fields = ["name"]
    date_hierarchy = "date"
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
