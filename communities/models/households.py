"""Households (以房管人): who lives in which room; head-of-household data is personal."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from communities.privacy import ID_NUMBER, NAME, PHONE
from communities.validators import (
    normalize_id_number,
    normalize_phone,
    normalize_text,
    validate_id_number,
    validate_phone,
)

from .base import CompoundScopedQuerySet, TimeStamped
from .compounds import Compound


class Occupancy(models.TextChoices):
    OWNER = "owner", _("owner-occupied")
    RENTED = "rented", _("rented")
    VACANT = "vacant", _("vacant")


class HouseholdQuerySet(CompoundScopedQuerySet):
    compound_path = "compound"


class Household(TimeStamped):
    #: The columns of the household's pair index (communities.search.row_part; migration 0012).
    search_columns = (
        "building",
        "room",
        "head_name",
        "head_phone",
        "head_id_number",
        "landlord_name",
        "landlord_phone",
    )
    personal_data = {
        "head_name": NAME,
        "head_phone": PHONE,
        "head_id_number": ID_NUMBER,
        "landlord_name": NAME,
        "landlord_phone": PHONE,
    }

    compound = models.ForeignKey(
        Compound, models.CASCADE, related_name="households", verbose_name=_("compound")
    )
    building = models.CharField(_("building"), max_length=20)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    room = models.CharField(_("room"), max_length=20)
    occupancy = models.CharField(
        _("occupancy"), max_length=10, choices=Occupancy.choices, default=Occupancy.OWNER
    )
    residents = models.PositiveSmallIntegerField(_("residents"), default=0)
    floating_residents = models.PositiveSmallIntegerField(_("floating residents"), default=0)
    head_name = models.CharField(_("head of household"), max_length=40, blank=True)
    head_phone = models.CharField(
        _("phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    head_id_number = models.CharField(
        _("ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    # 谁出租谁负责: a rented home keeps its landlord's contact (the owner who lets it).
    landlord_name = models.CharField(_("landlord"), max_length=40, blank=True)
    landlord_phone = models.CharField(
        _("landlord's phone"), max_length=20, blank=True, validators=[validate_phone]
    )

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["compound__code", "building", "unit", "room"]
        permissions = [
            ("import_household", _("Can import households")),
            ("export_household", _("Can export households")),
            ("view_personal_data", _("Can see names, phones and ID numbers in full")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "building", "unit", "room"], name="household_unique_room"
            )
        ]

    def __str__(self) -> str:
        # No personal data here: the admin log stores str(obj).
        address = "-".join(part for part in (self.building, self.unit, self.room) if part)
        return f"{self.compound_id and self.compound} {address}"

    def normalise(self) -> None:
        self.building = normalize_text(self.building)
        self.unit = normalize_text(self.unit)
        self.room = normalize_text(self.room)
        self.head_name = normalize_text(self.head_name)
        self.head_phone = normalize_phone(self.head_phone)
        self.head_id_number = normalize_id_number(self.head_id_number)
        self.landlord_name = normalize_text(self.landlord_name)
        self.landlord_phone = normalize_phone(self.landlord_phone)
        if self.occupancy != Occupancy.RENTED:
            # A home no longer let keeps no landlord (PIPL: no more than needed), whichever
            # path changed it: the workbench, the admin form or an import.
            self.landlord_name = self.landlord_phone = ""

    def clean_fields(self, exclude=None):
        self.normalise()
        super().clean_fields(exclude)

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)
