"""A change-list filter on a numerous relation (a compound, a household) chosen by typing.

``RelatedOnlyFieldListFilter`` lists every related row the list holds: at province scale the
households' list carried 20,000 compounds (1.5 MB, 313 ms to build). This filter renders only
the chosen row, in the admin's own autocomplete select (select2, as ``autocomplete_fields``
does), fed by the admin's autocomplete view, which asks the related model's admin for its
queryset: the choices are scoped like everything else (section 3.3). Picking a row reloads the
list with the filter's parameter (``static/js/admin-autocomplete-filter.js``).

Use it as ``list_filter = [("compound", AutocompleteFilter)]``; the related model's admin needs
``search_fields``. An id outside the user's scope narrows the list to nothing (the list is
scoped), and is not named.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect

from communities.validators import ascii_ids


class AutocompleteFilter(admin.RelatedFieldListFilter):
    template = "admin/communities/autocomplete_filter.html"

    def _chosen_ids(self) -> list[int]:
        return ascii_ids(self.lookup_val)

    def _related_queryset(self, request, model_admin):
        related = self.field.remote_field.model
        related_admin = model_admin.admin_site.get_model_admin(related)
        return related_admin.get_queryset(request)

    def field_choices(self, field, request, model_admin):
        # Only the chosen row, and only if the user may see it: never the whole table.
        self.field = field
        self.related_queryset = self._related_queryset(request, model_admin)
        ids = self._chosen_ids()
        if not ids:
            return []
        return [(obj.pk, str(obj)) for obj in self.related_queryset.filter(pk__in=ids)]

    def has_output(self) -> bool:
        return True

    def widget_html(self, model_admin) -> str:
        widget = AutocompleteSelect(
            self.field,
            model_admin.admin_site,
            attrs={
                "data-autocomplete-filter": self.lookup_kwarg,
                "data-width": "100%",  # select2's option: the sidebar's width, not the text's
                "id": f"autocomplete-filter-{self.field_path}",
                "aria-label": str(self.title),
            },
        )
        # The form field gives its (copy of the) widget the scoped queryset, for the chosen
        # row's label, and makes it optional (select2 offers to clear it).
        field = forms.ModelChoiceField(
            queryset=self.related_queryset, widget=widget, required=False
        )
        return field.widget.render(self.lookup_kwarg, [str(pk) for pk in self._chosen_ids()])

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.rendered_widget = self.widget_html(model_admin)


def autocomplete_filter_media(model_admin) -> forms.Media:
    """What the change list needs for the filter: the admin's select2 and autocomplete script
    (in their order around ``jquery.init.js``), then the script that applies a choice."""
    for entry in model_admin.list_filter:
        if isinstance(entry, (list, tuple)) and entry[1] is AutocompleteFilter:
            break
    else:
        return forms.Media()
    select = AutocompleteSelect(None, model_admin.admin_site)
    return select.media + forms.Media(
        js=["admin/js/jquery.init.js", "js/admin-autocomplete-filter.js"]
    )
