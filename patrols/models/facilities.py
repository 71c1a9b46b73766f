"""Facilities (物防 physical, 技防 technical protection): a compound's entrances and what guards
them. Whether a compound is covered is computed from these rows (``patrols.coverage``), never
typed in."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Compound
from communities.models.base import CompoundScopedQuerySet, TimeStamped
from communities.validators import normalize_text
from inspections.models import Hazard


class EntranceKind(models.TextChoices):
    PEDESTRIAN = "pedestrian", _("pedestrian")
    VEHICLE = "vehicle", _("vehicle")
    BOTH = "both", _("pedestrian and vehicle")


class EntranceQuerySet(CompoundScopedQuerySet):
    compound_path = "compound"


class Entrance(TimeStamped):
    compound = models.ForeignKey(
        Compound, models.CASCADE, related_name="entrances", verbose_name=_("compound")
    )
    name = models.CharField(_("name"), max_length=40)
    kind = models.CharField(
        _("kind"), max_length=12, choices=EntranceKind.choices, default=EntranceKind.BOTH
    )

    objects = EntranceQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrance")
        verbose_name_plural = _("entrances")
        ordering = ["compound", "name"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "name"], name="entrance_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.compound_id and self.compound} {self.name}"

    def save(self, *args, **kwargs):
        self.name = normalize_text(self.name)
        super().save(*args, **kwargs)


class FacilityKind(models.TextChoices):
    CAMERA = "camera", _("surveillance camera")
    ALARM = "alarm", _("alarm point")
    ACCESS_CONTROL = "access_control", _("access control")
    PERIMETER = "perimeter", _("perimeter fence or wall")
    LIGHTING = "lighting", _("lighting")
    BARRIER = "barrier", _("gate post or barrier")
    FIRE_EQUIPMENT = "fire_equipment", _("fire equipment")


class FacilityLocation(models.TextChoices):
    ENTRANCE = "entrance", _("an entrance")
    BUILDING = "building", _("a building")
    PERIMETER = "perimeter", _("the perimeter")


# The refusals of Facility.clean() (services, the workbench forms and the admin all run it).
QUANTITY_MAX = 999
MSG_ENTRANCE_NEEDED = _("Choose the entrance this facility guards.")
MSG_ENTRANCE_OTHER_COMPOUND = _("This entrance belongs to another compound.")
MSG_ENTRANCE_ONLY_AT_ENTRANCE = _("An entrance is chosen only for a facility at an entrance.")
MSG_BUILDING_NEEDED = _("Say which building (e.g. 3号楼).")
MSG_QUANTITY_RANGE = _("The quantity must be from 1 to %(max)s.")
MSG_CHECKED_IN_FUTURE = _("The date checked cannot be in the future.")
MSG_OUT_OF_SERVICE_IN_FUTURE = _("A facility cannot be out of service from a day in the future.")


class FacilityQuerySet(CompoundScopedQuerySet):
    compound_path = "compound"

    def working(self):
        return self.filter(in_service=True)


class Facility(TimeStamped):
    compound = models.ForeignKey(
        Compound, models.CASCADE, related_name="facilities", verbose_name=_("compound")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=FacilityKind.choices)
    location = models.CharField(_("location"), max_length=12, choices=FacilityLocation.choices)
    entrance = models.ForeignKey(
        Entrance,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="facilities",
        verbose_name=_("entrance"),
    )
    building = models.CharField(_("building"), max_length=20, blank=True)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    in_service = models.BooleanField(_("in service"), default=True)
    out_of_service_since = models.DateField(_("out of service since"), null=True, blank=True)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    hazard = models.ForeignKey(
        Hazard,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hazard raised"),
    )

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["compound", "kind", "pk"]
        permissions = [("export_facility", _("Can export facilities"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(location="entrance") | Q(entrance__isnull=False),
                name="facility_entrance_when_at_entrance",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="facility_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.compound_id and self.compound} {self.get_kind_display()}"

    def clean(self) -> None:
        """Where the facility is must be said, and said once: an entrance of the same compound
        for one at an entrance, a building for one at a building; a sensible quantity; no date
        in the future."""
        errors: dict[str, list] = {}
        if self.location == FacilityLocation.ENTRANCE:
            if self.entrance_id is None:
                errors.setdefault("entrance", []).append(MSG_ENTRANCE_NEEDED)
            elif self.compound_id and self.entrance.compound_id != self.compound_id:
                errors.setdefault("entrance", []).append(MSG_ENTRANCE_OTHER_COMPOUND)
        elif self.entrance_id is not None:
            errors.setdefault("entrance", []).append(MSG_ENTRANCE_ONLY_AT_ENTRANCE)
        self.building = (self.building or "").strip()
        if self.location == FacilityLocation.BUILDING and not self.building:
            errors.setdefault("building", []).append(MSG_BUILDING_NEEDED)
        if self.location != FacilityLocation.BUILDING:
            self.building = ""
        if self.quantity is not None and not 1 <= self.quantity <= QUANTITY_MAX:
            errors.setdefault("quantity", []).append(MSG_QUANTITY_RANGE % {"max": QUANTITY_MAX})
        today = timezone.localdate()
        if self.checked_on and self.checked_on > today:
            errors.setdefault("checked_on", []).append(MSG_CHECKED_IN_FUTURE)
        if self.out_of_service_since and self.out_of_service_since > today:
            errors.setdefault("out_of_service_since", []).append(MSG_OUT_OF_SERVICE_IN_FUTURE)
        if errors:
            raise ValidationError(errors)
