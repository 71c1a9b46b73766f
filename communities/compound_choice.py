"""Choosing a compound on a workbench form: "a compound this user may see", never the whole list.

A province holds some 20,000 compounds; a select listing all of them made every list page carry
40,000 ``<option>`` tags. So a compound is chosen through a typeahead:

- the fields (``CompoundChoiceField``, ``CompoundMultipleChoiceField``, and
  ``CompoundFilterField`` for a list's filter) check the posted id(s) against the queryset the
  form gives them (``Compound.objects.visible_to(user)`` or narrower) in one query, refusing an
  id outside it exactly as a select would (``invalid_choice``) and taking ASCII digits only;
- their widgets render only the chosen compound(s), labelled «名称（编码）», plus the empty
  choice, and carry ``data-autocomplete-url``; ``static/js/compound-autocomplete.js`` (loaded
  by the widget itself, no inline code) turns the select into a typeahead that asks
  ``communities:compound_autocomplete``. Without JavaScript the select still submits what was
  chosen;
- ``compound_matches`` is what the endpoint answers: at most ``MATCHES_MAX`` visible compounds
  whose name, code or address holds the words typed.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from communities.models import Compound
from communities.validators import ascii_ids, ascii_int

MATCHES_MAX = 20
SCRIPT = "js/compound-autocomplete.js"
QUERY_MAX_LENGTH = 50
QUERY_WORDS_MAX = 4
LABEL_FIELDS = ("pk", "name", "code")


def compound_label(compound) -> str:
    """How a compound is named in a choice: «名称（编码）»."""
    return f"{compound.name}（{compound.code}）"


def compound_matches(
    *, user, query: str = "", street_id: int | None = None, with_company: bool = False
) -> list[dict]:
    """The visible compounds whose name, code or address holds every word of ``query`` (at most
    ``MATCHES_MAX``, by name then code), as ``{"id", "text"}`` (``with_company``: and
    ``"company"``, the name of the company that runs it today, "" if none); one query."""
    compounds = Compound.objects.visible_to(user)
    if with_company:
        compounds = compounds.with_current_company()
    if street_id is not None:
        compounds = compounds.filter(community__street_id=street_id)
    for word in query.strip()[:QUERY_MAX_LENGTH].split()[:QUERY_WORDS_MAX]:
        compounds = compounds.filter(
            Q(name__icontains=word) | Q(code__icontains=word) | Q(address__icontains=word)
        )
    rows = compounds.order_by("name", "code").only(*LABEL_FIELDS)[:MATCHES_MAX]
    return [_match(c) for c in rows]


def _match(compound) -> dict:
    match = {"id": compound.pk, "text": compound_label(compound)}
    if hasattr(compound, "current_company_name"):
        match["company"] = compound.current_company_name or ""
    return match


def several_compounds(compounds: QuerySet) -> bool:
    """Whether there is more than one compound to choose from (a filter among one is no filter),
    without reading them all."""
    return len(compounds.values_list("pk", flat=True)[:2]) > 1


def _for_labels(compounds: QuerySet, fields=LABEL_FIELDS) -> QuerySet:
    """Just what a label needs (a form's queryset may select related rows: not wanted here)."""
    return compounds.select_related(None).only(*fields)


class CompoundAutocomplete(forms.Select):
    """A select holding only the empty choice and the chosen compound; the script makes it a
    typeahead over ``url`` (the endpoint, with ``params`` such as ``{"street": 3}``).

    It reads the field's queryset and empty label through ``choices`` (the field's
    ``ModelChoiceIterator``) without iterating it: one query for the chosen compounds' labels.
    """

    url_name = "communities:compound_autocomplete"
    placeholder = _("Type a compound's name or code")
    nothing_found = _("No compound found")
    #: what the chosen rows' labels read, and their order (rows without a code say so)
    label_fields = LABEL_FIELDS
    label_order = ("name", "code")

    def __init__(self, attrs=None, params: dict | None = None):
        super().__init__(attrs)
        self.params = params or {}

    def render(self, name, value, attrs=None, renderer=None):
        # The script comes with the widget, so only a page that holds one loads it (a page
        # holding two runs it twice: it sets each select up once).
        html = super().render(name, value, attrs, renderer)
        return html + format_html('<script src="{}" defer></script>', static(SCRIPT))

    def url(self) -> str:
        url = reverse(self.url_name)
        return f"{url}?{urlencode(self.params)}" if self.params else url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-autocomplete-url": self.url(),
                "data-autocomplete-placeholder": str(self.placeholder),
                "data-autocomplete-empty": str(self.nothing_found),
            }
        )
        return context

    def _chosen(self, value) -> list:
        ids = ascii_ids(value)
        queryset = getattr(self.choices, "queryset", None)
        if not ids or queryset is None:
            return []
        chosen = _for_labels(queryset, self.label_fields).filter(pk__in=ids)
        return list(chosen.order_by(*self.label_order))

    def optgroups(self, name, value, attrs=None):
        options = []
        field = getattr(self.choices, "field", None)
        empty_label = getattr(field, "empty_label", None)
        if empty_label is not None and not self.allow_multiple_selected:
            chosen_none = not ascii_ids(value)
            options.append(self.create_option(name, "", empty_label, chosen_none, 0, attrs=attrs))
        label = getattr(field, "label_from_instance", compound_label)
        for index, compound in enumerate(self._chosen(value), start=len(options)):
            option = self.create_option(name, compound.pk, label(compound), True, index)
            if hasattr(compound, "current_company_name"):  # as the endpoint's "company"
                option["attrs"]["data-company"] = compound.current_company_name or ""
            options.append(option)
        return [(None, options, 0)]


class CompoundAutocompleteMultiple(CompoundAutocomplete, forms.SelectMultiple):
    """The same for several compounds (the script shows each chosen one with a button to take
    it away)."""

    allow_multiple_selected = True


def _refuse_non_ascii(field, value) -> None:
    """A select only offers ASCII ids; ``int()`` would also take ``１２``."""
    if value not in field.empty_values and ascii_int(str(value)) is None:
        raise forms.ValidationError(
            field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class CompoundChoiceField(forms.ModelChoiceField):
    """One compound among ``queryset`` (give the user's visible compounds, or fewer)."""

    widget = CompoundAutocomplete

    def __init__(self, queryset=None, **kwargs):
        super().__init__(queryset, **kwargs)

    def label_from_instance(self, obj) -> str:
        return compound_label(obj)

    def to_python(self, value):
        _refuse_non_ascii(self, value)
        return super().to_python(value)


class CompoundFilterField(CompoundChoiceField):
    """A list's compound filter: optional, "All" when empty, cleaned to the compound's id (or
    None). An id outside the queryset is an ``invalid_choice``, which ``FilterForm.refused``
    reports and the list leaves out. ``label_of`` names the chosen one (for an export's sheet of
    filters) without listing the choices."""

    default_error_messages = {
        "invalid_choice": forms.ChoiceField.default_error_messages["invalid_choice"],
    }

    def __init__(self, queryset=None, **kwargs):
        kwargs.setdefault("label", _("Compound"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", _("All"))
        super().__init__(queryset, **kwargs)
        self.chosen = None

    def clean(self, value):
        self.chosen = super().clean(value)
        return self.chosen.pk if self.chosen is not None else None

    def label_of(self, value) -> str:
        if self.chosen is None or self.chosen.pk != value:
            self.chosen = _for_labels(self.queryset).get(pk=value)
        return compound_label(self.chosen)


def select_or_typeahead(field_class, queryset: QuerySet, *, limit: int, **kwargs):
    """A ``field_class`` (a typeahead field of this module, or a subclass naming other rows)
    among ``queryset``: a plain select of every row while they are at most ``limit``, else the
    typeahead. Returns the field and how many rows were seen (at most ``limit + 1``: 0 means
    none to choose, 1 the only one). One query of at most ``limit + 1`` ids; the select reads
    its options when rendered."""
    seen = len(queryset.values_list("pk", flat=True)[: limit + 1])
    if seen <= limit:
        kwargs["widget"] = forms.Select
    return field_class(queryset=queryset, **kwargs), seen


class CompoundMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several compounds among ``queryset``, checked in one query; an id outside it is refused
    (``invalid_choice``)."""

    widget = CompoundAutocompleteMultiple

    def __init__(self, queryset=None, **kwargs):
        super().__init__(queryset, **kwargs)

    def label_from_instance(self, obj) -> str:
        return compound_label(obj)

    def _check_values(self, value):
        for pk in value or ():
            _refuse_non_ascii(self, pk)
        return super()._check_values(value)
