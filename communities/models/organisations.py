"""Organisations and memberships: how a user comes to see a set of compounds."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .base import ScopedQuerySet, TimeStamped, compound_scope_q
from .companies import ManagementTerm, PropertyCompany
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
    def grantable_by(self, user):
        """Organisations a user may give someone a membership of: their whole area must lie
        inside the user's own scope. A property company counts only if it is on the user's
        district register and runs no compound today that the user cannot see — else a
        membership would open compounds of another area."""
        from communities.scoping import scope_for

        scope = scope_for(user)
        if scope.everything:
            return self
        d, s, c = scope.district_ids, scope.street_ids, scope.community_ids
        # the scope's rule itself, negated per term: "every compound but the visible ones" as a
        # subquery cost a province's bureau two passes over all compounds on each users page
        runs_hidden = Exists(
            ManagementTerm.objects.current()
            .filter(company_id=OuterRef("property_company_id"))
            .exclude(compound_scope_q(scope, "compound"))
        )
        return self.filter(
            Q(kind=OrganisationKind.BUREAU, district_id__in=d)
            | Q(kind=OrganisationKind.STREET_OFFICE, street__district_id__in=d)
            | Q(kind=OrganisationKind.STREET_OFFICE, street_id__in=s)
            | Q(kind=OrganisationKind.COMMUNITY_COMMITTEE, community__street__district_id__in=d)
            | Q(kind=OrganisationKind.COMMUNITY_COMMITTEE, community__street_id__in=s)
            | Q(kind=OrganisationKind.COMMUNITY_COMMITTEE, community_id__in=c)
            | (
                Q(kind=OrganisationKind.PROPERTY_COMPANY, property_company__district_id__in=d)
                & ~Q(runs_hidden)
            )
        )

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
    not_personal_data = {"name": "the name of an office or company"}

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
