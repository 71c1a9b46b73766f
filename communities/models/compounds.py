"""Compound (小区): the unit that is made safe; everything else hangs off it."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from communities.validators import validate_compound_code

from .base import ScopedQuerySet, TimeStamped
from .regions import Community

MSG_TITLE_YEAR = _("Give the year the title was awarded, or no title level.")


class CompoundKind(models.TextChoices):
    COMMODITY = "commodity", _("commodity housing")
    RESETTLEMENT = "resettlement", _("resettlement housing")
    OLD = "old", _("old compound")
    WORK_UNIT = "work_unit", _("work-unit housing")
    OTHER = "other", _("other")


class ManagementMode(models.TextChoices):
    PROPERTY_COMPANY = "company", _("property company")
    QUASI = "quasi", _("quasi-property (street service centre)")
    SELF = "self", _("self-managed")
    NONE = "none", _("none")


class SafeTitleLevel(models.TextChoices):
    NONE = "", _("none")
    COUNTY = "county", _("county level")
    CITY = "city", _("city level")
    PROVINCE = "province", _("province level")


class CompoundQuerySet(ScopedQuerySet):
    def scope_filter(self, scope) -> Q:
        return (
            Q(community__street__district_id__in=scope.district_ids)
            | Q(community__street_id__in=scope.street_ids)
            | Q(community_id__in=scope.community_ids)
            | Q(pk__in=scope.managed_compounds().values("pk"))
        )

    def managed_by(self, company_ids, on: datetime.date | None = None):
        """Compounds that one of these companies runs on a day (today by default)."""
        from .companies import ManagementTerm

        terms = ManagementTerm.objects.current(on).filter(company_id__in=company_ids)
        return self.filter(pk__in=terms.values("compound_id"))

    def with_current_company(self, on: datetime.date | None = None):
        """Annotate ``current_company_id`` and ``current_company_name`` in the same query."""
        from .companies import ManagementTerm

        term = ManagementTerm.objects.current(on).filter(compound=OuterRef("pk")).order_by("-start")
        return self.annotate(
            current_company_id=Subquery(term.values("company_id")[:1]),
            current_company_name=Subquery(term.values("company__name")[:1]),
        )


class Compound(TimeStamped):
    not_personal_data = {"name": "the name of a place", "address": "the address of a compound"}

    community = models.ForeignKey(
        Community, models.PROTECT, related_name="compounds", verbose_name=_("community")
    )
    code = models.CharField(
        _("compound code"), max_length=32, unique=True, validators=[validate_compound_code]
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    household_count = models.PositiveIntegerField(_("number of households"), default=0)
    building_count = models.PositiveIntegerField(_("number of buildings"), default=0)
    year_built = models.PositiveSmallIntegerField(
        _("year built"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    kind = models.CharField(
        _("type"), max_length=20, choices=CompoundKind.choices, default=CompoundKind.COMMODITY
    )
    has_owners_committee = models.BooleanField(_("owners' committee"), default=False)
    management_mode = models.CharField(
        _("management mode"),
        max_length=20,
        choices=ManagementMode.choices,
        default=ManagementMode.PROPERTY_COMPANY,
    )
    title_level = models.CharField(
        _("safe-compound title"),
        max_length=20,
        choices=SafeTitleLevel.choices,
        default=SafeTitleLevel.NONE,
        blank=True,
    )
    title_year = models.PositiveSmallIntegerField(
        _("title year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )

    objects = CompoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("compound")
        verbose_name_plural = _("compounds")
        ordering = ["code"]
        permissions = [
            ("import_compound", _("Can import compounds")),
            ("export_compound", _("Can export compounds")),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if bool(self.title_level) != bool(self.title_year):
            raise ValidationError({"title_year": MSG_TITLE_YEAR})

    def current_term(self, on: datetime.date | None = None):
        return self.management_terms.current(on).select_related("company").first()

    @property
    def is_old(self) -> bool:
        """Built before 2000, the seed's 老旧小区 line."""
        return bool(self.year_built and self.year_built < 2000) or self.kind == CompoundKind.OLD
