"""Property companies and the management terms that say who runs which compound."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.validators import (
    normalize_credit_code,
    normalize_phone,
    normalize_text,
    validate_credit_code,
    validate_phone,
)

from .base import ScopedQuerySet, TimeStamped
from .compounds import Compound
from .regions import District

MSG_TERM_ORDER = _("The end date cannot be before the start date.")
MSG_TERM_OVERLAP = _("This compound already has a management term overlapping these dates.")


class PropertyCompanyQuerySet(ScopedQuerySet):
    def editable_by(self, user):
        """Companies a user may change or delete: those on their own district's register.

        Narrower than ``visible_to``: a bureau sees a company of another district that runs a
        compound in its area, but only the registering district's bureau edits it.
        """
        from communities.scoping import scope_for

        scope = scope_for(user)
        if scope.everything:
            return self
        return self.filter(district_id__in=scope.district_ids)

    def scope_filter(self, scope) -> Q:
        in_area = Compound.objects.filter(
            Q(community__street__district_id__in=scope.district_ids)
            | Q(community__street_id__in=scope.street_ids)
            | Q(community_id__in=scope.community_ids)
        )
        terms = ManagementTerm.objects.filter(compound__in=in_area)
        return (
            Q(pk__in=scope.company_ids)
            | Q(district_id__in=scope.district_ids)
            | Q(pk__in=terms.values("company_id"))
        )


class PropertyCompany(TimeStamped):
    not_personal_data = {
        "name": "a company's registered name",
        "address": "a company's registered address",
        "contact_person": "the contact a company publishes for its business",
        "contact_phone": "the contact a company publishes for its business",
    }

    name = models.CharField(_("name"), max_length=100, unique=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
    )
    district = models.ForeignKey(
        District,
        models.PROTECT,
        related_name="property_companies",
        verbose_name=_("registered in district"),
        help_text=_("The district whose housing bureau keeps this company on its register."),
    )
    contact_person = models.CharField(_("contact person"), max_length=40, blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    address = models.CharField(_("address"), max_length=200, blank=True)

    objects = PropertyCompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("property company")
        verbose_name_plural = _("property companies")
        ordering = ["name"]
        permissions = [
            ("import_propertycompany", _("Can import property companies")),
            ("export_propertycompany", _("Can export property companies")),
        ]

    def __str__(self) -> str:
        return self.name

    def normalise(self) -> None:
        self.name = normalize_text(self.name)
        self.contact_person = normalize_text(self.contact_person)
        self.credit_code = normalize_credit_code(self.credit_code)
        if self.contact_phone:
            self.contact_phone = normalize_phone(self.contact_phone)

    def clean_fields(self, exclude=None):
        # Before validation, so the uniqueness check sees the stored form of the code.
        self.normalise()
        super().clean_fields(exclude)

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)


def terms_overlap(
    start: datetime.date,
    end: datetime.date | None,
    other_start: datetime.date,
    other_end: datetime.date | None,
) -> bool:
    """Whether two terms share a day (an open end runs for ever)."""
    return (end is None or other_start <= end) and (other_end is None or start <= other_end)


def current_term_q(on: datetime.date | None = None, prefix: str = "") -> Q:
    """Terms running on a day (today by default); ``prefix`` reaches them through a relation."""
    on = on or timezone.localdate()
    return Q(**{f"{prefix}start__lte": on}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": on})
    )


class ManagementTermQuerySet(ScopedQuerySet):
    def scope_filter(self, scope) -> Q:
        return (
            Q(compound__community__street__district_id__in=scope.district_ids)
            | Q(compound__community__street_id__in=scope.street_ids)
            | Q(compound__community_id__in=scope.community_ids)
            | Q(company_id__in=scope.company_ids)
        )

    def current(self, on: datetime.date | None = None):
        return self.filter(current_term_q(on))

    def ended(self, on: datetime.date | None = None):
        """Terms whose last day is before the day (today by default)."""
        return self.filter(end__lt=on or timezone.localdate())

    def not_started(self, on: datetime.date | None = None):
        """Terms that start after the day (today by default)."""
        return self.filter(start__gt=on or timezone.localdate())


class ManagementTerm(TimeStamped):
    compound = models.ForeignKey(
        Compound, models.CASCADE, related_name="management_terms", verbose_name=_("compound")
    )
    company = models.ForeignKey(
        PropertyCompany,
        models.PROTECT,
        related_name="management_terms",
        verbose_name=_("property company"),
    )
    start = models.DateField(_("start date"))
    end = models.DateField(_("end date"), null=True, blank=True)
    contract_number = models.CharField(_("contract number"), max_length=50, blank=True)

    objects = ManagementTermQuerySet.as_manager()

    class Meta:
        verbose_name = _("management term")
        verbose_name_plural = _("management terms")
        ordering = ["compound__code", "-start"]
        permissions = [
            ("import_managementterm", _("Can import management terms")),
            ("export_managementterm", _("Can export management terms")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="term_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.compound_id and self.compound} · {self.company_id and self.company}"

    def clean(self, *, others: Iterable[tuple] | None = None) -> None:
        """``others``: the (start, end) of the compound's other terms when the caller has read
        them (an import reads every compound's terms at once); else they are queried here."""
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": MSG_TERM_ORDER})
        if self.compound_id and self.start and self._overlaps(others):
            raise ValidationError(MSG_TERM_OVERLAP)

    def _overlaps(self, others: Iterable[tuple] | None) -> bool:
        if others is None:
            return self.overlapping().exists()
        return any(terms_overlap(self.start, self.end, start, end) for start, end in others)

    def overlapping(self):
        others = ManagementTerm.objects.filter(compound_id=self.compound_id).exclude(pk=self.pk)
        others = others.filter(Q(end__isnull=True) | Q(end__gte=self.start))
        if self.end:
            others = others.filter(start__lte=self.end)
        return others
