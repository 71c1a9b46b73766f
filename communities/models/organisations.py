"""Organisations and memberships: how a user comes to see a set of compounds."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import ScopedQuerySet, TimeStamped
from .companies import PropertyCompany
from .regions import Community, District, Street

MSG_ORG_AREA = _("A {kind} needs its {field} and nothing else.")


class OrganisationKind(models.TextChoices):
    BUREAU = "bureau", _("housing bureau")
    STREET_OFFICE = "street", _("street office")
    COMMUNITY_COMMITTEE = "community", _("community committee")
    PROPERTY_COMPANY = "company", _("property company")


class Role(models.TextChoices):
    ADMIN = "admin", _("administrator")
    STAFF = "staff", _("staff")
    VIEWER = "viewer", _("viewer")


# Which field of an organisation names its area, per kind.
AREA_FIELD = {
    OrganisationKind.BUREAU: "district",
    OrganisationKind.STREET_OFFICE: "street",
    OrganisationKind.COMMUNITY_COMMITTEE: "community",
    OrganisationKind.PROPERTY_COMPANY: "property_company",
}


class OrganisationQuerySet(ScopedQuerySet):
    def scope_filter(self, scope) -> Q:
        return (
            Q(district_id__in=scope.district_ids)
            | Q(street__district_id__in=scope.district_ids)
            | Q(community__street__district_id__in=scope.district_ids)
            | Q(property_company__district_id__in=scope.district_ids)
            | Q(street_id__in=scope.street_ids)
            | Q(community__street_id__in=scope.street_ids)
            | Q(community_id__in=scope.community_ids)
            | Q(property_company_id__in=scope.company_ids)
        )


class Organisation(TimeStamped):
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    district = models.ForeignKey(
        District, models.PROTECT, null=True, blank=True, verbose_name=_("district")
    )
    street = models.ForeignKey(
        Street, models.PROTECT, null=True, blank=True, verbose_name=_("street")
    )
    community = models.ForeignKey(
        Community, models.PROTECT, null=True, blank=True, verbose_name=_("community")
    )
    property_company = models.OneToOneField(
        PropertyCompany,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="organisation",
        verbose_name=_("property company"),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        wanted = AREA_FIELD.get(self.kind)
        if not wanted:
            return
        filled = {f for f in AREA_FIELD.values() if getattr(self, f"{f}_id")}
        if filled != {wanted}:
            field_label = self._meta.get_field(wanted).verbose_name
            raise ValidationError(
                {wanted: MSG_ORG_AREA.format(kind=self.get_kind_display(), field=field_label)}
            )


class MembershipQuerySet(ScopedQuerySet):
    def scope_filter(self, scope) -> Q:
        return Q(
            organisation__in=Organisation.objects.filter(Organisation.objects.scope_filter(scope))
        )


class Membership(TimeStamped):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id and self.user} @ {self.organisation_id and self.organisation}"
