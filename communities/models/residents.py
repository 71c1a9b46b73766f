"""Residents (实有人口): who lives in which household, and the residence registration
(居住登记) of floating residents and residents from abroad.

A person lives in one household at a time: a partial unique constraint on the document while
the resident has not moved out. A resident who moved out stays in the history and is not
counted. Who may see a resident is who may see the household (``ResidentQuerySet``).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.privacy import ID_NUMBER, NAME, PHONE
from communities.validators import (
    normalize_document_number,
    normalize_phone,
    normalize_text,
    validate_document_number,
    validate_phone,
)

from .base import CompoundScopedQuerySet, TimeStamped
from .households import Household


class ResidentKind(models.TextChoices):
    REGISTERED = "registered", _("registered resident")  # 户籍人口
    FLOATING = "floating", _("floating resident")  # 流动人口
    FOREIGN = "foreign", _("from abroad")  # 境外人员


#: The kinds that register their residence (居住登记) and count in the registration rate.
REGISTERING_KINDS = (ResidentKind.FLOATING, ResidentKind.FOREIGN)


class Relation(models.TextChoices):
    OWNER = "owner", _("owner")
    FAMILY = "family", _("family member")
    TENANT = "tenant", _("tenant")
    OTHER = "other", _("other")


class DocumentType(models.TextChoices):
    ID_CARD = "id_card", _("resident identity card")  # 居民身份证
    HMT_RESIDENCE = "hmt_residence", _("residence permit for Hong Kong, Macao and Taiwan residents")
    HK_MACAO_PERMIT = "hk_macao", _("Mainland travel permit for Hong Kong and Macao residents")
    TAIWAN_PERMIT = "taiwan", _("Mainland travel permit for Taiwan residents")
    FOREIGN_PERMANENT = "foreign_permanent", _("foreign permanent resident ID card")
    PASSPORT = "passport", _("passport")


class ResidentQuerySet(CompoundScopedQuerySet):
    compound_path = "household__compound"

    def present(self, on: datetime.date | None = None):
        """Residents living in their household on the day (today by default)."""
        return self.filter(present_q(on or timezone.localdate()))

    def registering(self):
        return self.filter(kind__in=REGISTERING_KINDS)


def present_q(on: datetime.date, prefix: str = "") -> Q:
    """Moved in on or before the day (or no date known) and not moved out by it."""
    return (Q(**{f"{prefix}moved_in__isnull": True}) | Q(**{f"{prefix}moved_in__lte": on})) & (
        Q(**{f"{prefix}moved_out__isnull": True}) | Q(**{f"{prefix}moved_out__gt": on})
    )


def registered_q(on: datetime.date, prefix: str = "") -> Q:
    """A residence registration valid on the day: registered by then, the permit not expired
    (a registration whose permit has no expiry date yet is valid)."""
    return Q(**{f"{prefix}registered_on__lte": on}) & (
        Q(**{f"{prefix}permit_expires__isnull": True}) | Q(**{f"{prefix}permit_expires__gte": on})
    )


MSG_NOT_REGISTERING = _(
    "Only floating residents and residents from abroad register their residence: "
    "leave the registration empty for a registered resident."
)
MSG_REGISTERED_BY = _("Name the police station or community that registered the residence.")
MSG_REGISTERED_ON = _("Give the date the residence was registered.")
MSG_EXPIRES_BEFORE = _("The permit cannot expire before the residence was registered.")
MSG_FUTURE = _("The date cannot be later than today.")
MSG_MOVED_OUT_BEFORE = _("A resident cannot move out before moving in.")
MSG_ID_CARD_FOR_KIND = _(
    "A registered or floating resident is identified by a resident identity card; "
    "residents from abroad by their permit or passport."
)


class Resident(TimeStamped):
    #: The columns of the resident's pair index (communities.search.row_part; migration 0012).
    search_columns = ("name", "id_number", "phone")
    personal_data = {"name": NAME, "id_number": ID_NUMBER, "phone": PHONE}

    household = models.ForeignKey(
        Household, models.CASCADE, related_name="people", verbose_name=_("household")
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=40)
    document_type = models.CharField(
        _("document type"),
        max_length=20,
        choices=DocumentType.choices,
        default=DocumentType.ID_CARD,
    )
    id_number = models.CharField(_("document number"), max_length=32)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    kind = models.CharField(
        _("resident kind"),
        max_length=12,
        choices=ResidentKind.choices,
        default=ResidentKind.REGISTERED,
    )
    relation = models.CharField(
        _("relation to the household"),
        max_length=10,
        choices=Relation.choices,
        default=Relation.FAMILY,
    )
    moved_in = models.DateField(_("moved in"), null=True, blank=True)
    moved_out = models.DateField(_("moved out"), null=True, blank=True)
    registered_on = models.DateField(_("residence registered on"), null=True, blank=True)
    registered_by = models.CharField(
        _("registering office"),
        max_length=60,
        blank=True,
        help_text=_("The police station or community that registered the residence."),
    )
    permit_expires = models.DateField(_("residence permit expires"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = pgettext_lazy("people", "residents")
        ordering = ["household", "moved_out", "pk"]
        permissions = [
            ("import_resident", _("Can import residents")),
            ("export_resident", _("Can export residents")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "id_number"],
                condition=Q(moved_out__isnull=True),
                name="resident_one_household",
            ),
            models.CheckConstraint(
                condition=Q(moved_out__isnull=True)
                | Q(moved_in__isnull=True)
                | Q(moved_out__gte=models.F("moved_in")),
                name="resident_moved_out_after_in",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "permit_expires"], name="resident_kind_expiry"),
            # the work list's "not registered" (registered_on empty): 12,000 of 400,000 floating
            # residents in a province, found without reading the rest (communities 0011)
            models.Index(fields=["kind", "registered_on"], name="resident_kind_registered"),
        ]

    def __str__(self) -> str:
        # No personal data here: the admin log stores str(obj).
        return f"{self.household_id and self.household} #{self.pk or '-'}"

    @property
    def is_present(self) -> bool:
        return self.moved_out is None

    @property
    def registers(self) -> bool:
        return self.kind in REGISTERING_KINDS

    def normalise(self) -> None:
        self.name = normalize_text(self.name)
        self.id_number = normalize_document_number(self.id_number)
        self.phone = normalize_phone(self.phone)
        self.registered_by = normalize_text(self.registered_by)

    def clean_fields(self, exclude=None):
        self.normalise()
        super().clean_fields(exclude)

    def clean(self):
        errors: dict[str, list] = {}
        if self.id_number and self.document_type:
            try:
                validate_document_number(self.document_type, self.id_number)
            except ValidationError as refused:
                errors.setdefault("id_number", []).extend(refused.messages)
        if self.kind and (self.kind == ResidentKind.FOREIGN) == (
            self.document_type == DocumentType.ID_CARD
        ):
            errors.setdefault("document_type", []).append(MSG_ID_CARD_FOR_KIND)
        self._clean_dates(errors)
        self._clean_registration(errors)
        if errors:
            raise ValidationError(errors)

    def _clean_dates(self, errors) -> None:
        today = timezone.localdate()
        for name in ("moved_in", "moved_out", "registered_on"):
            value = getattr(self, name)
            if value and value > today:
                errors.setdefault(name, []).append(MSG_FUTURE)
        if self.moved_in and self.moved_out and self.moved_out < self.moved_in:
            errors.setdefault("moved_out", []).append(MSG_MOVED_OUT_BEFORE)

    def _clean_registration(self, errors) -> None:
        given = self.registered_on or self.registered_by or self.permit_expires
        if not given:
            return
        if not self.registers:
            errors.setdefault("registered_on", []).append(MSG_NOT_REGISTERING)
            return
        if not self.registered_on:
            errors.setdefault("registered_on", []).append(MSG_REGISTERED_ON)
        if not self.registered_by:
            errors.setdefault("registered_by", []).append(MSG_REGISTERED_BY)
        if self.registered_on and self.permit_expires and self.permit_expires < self.registered_on:
            errors.setdefault("permit_expires", []).append(MSG_EXPIRES_BEFORE)

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)
