"""Read-only admin pieces every app uses: records whose writes are services on the workbench
(inspections, hazards, dispute cases and their timelines) are read, scoped, in the admin."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .scoped import ScopedAdminMixin, ScopedInlineMixin


class ReadOnlyMixin:
    """Nothing is added, changed or deleted here: the services do that."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedReadOnlyAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnlyMixin, ScopedInlineMixin, admin.TabularInline):
    # Rows in words only: no line repeating each row's str() above it, no add/delete controls.
    template = "admin/edit_inline/readonly_tabular.html"
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)


class OverdueFilter(admin.SimpleListFilter):
    """Overdue or not, by the model's one definition (its queryset's ``overdue(today)``)."""

    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        overdue = queryset.model.objects.overdue(timezone.localdate()).values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=overdue)
        if self.value() == "no":
            return queryset.exclude(pk__in=overdue)
        return queryset
