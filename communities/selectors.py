"""Reads of the register for the workbench pages.

Every function starts from ``visible_to(user)``: what a user may not see is never read, and an
object outside their scope is not found (the views turn that into a 404).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from communities.models import Community, Compound, Household, ManagementTerm, Occupancy
from communities.models.companies import current_term_q
from communities.residents.figures import household_figures, registration_rate, with_counts
from communities.scoping import compounds_visible_to, scope_for


def compounds_for_home(
    *,
    user,
    search: str = "",
    street_id: int | None = None,
    community_id: int | None = None,
) -> QuerySet[Compound]:
    """The user's compounds for the home list: one query for any number of rows.

    ``search`` matches the code or the name (case-insensitive, contained). ``street_id`` and
    ``community_id`` narrow the list further; they never widen it beyond the user's scope.
    """
    compounds = (
        Compound.objects.visible_to(user)
        .with_current_company()
        .select_related("community__street")
        .order_by("code")
    )
    search = search.strip()
    if search:
        compounds = compounds.filter(Q(code__icontains=search) | Q(name__icontains=search))
    if street_id is not None:
        compounds = compounds.filter(community__street_id=street_id)
    if community_id is not None:
        compounds = compounds.filter(community_id=community_id)
    return compounds


#: Past this many communities in a scope, a list filter offers those of the chosen street only:
#: a province's two thousand are never one list (issue 14).
COMMUNITY_CHOICES_MAX = 60


class CommunityChoices(list):
    """The communities offered, and whether more wait for a street to be chosen."""

    need_street = False


def communities_for_filter(*, user, street_id=None, chosen_id=None) -> CommunityChoices:
    """The communities a user may filter a list by, street by street: all of them while they
    are few (``COMMUNITY_CHOICES_MAX``), else those of the chosen street, else only the one
    already chosen (a link that names it keeps working). Two queries at most."""
    communities = (
        Community.objects.visible_to(user).select_related("street").order_by("street__code", "code")
    )
    if street_id:
        return CommunityChoices(communities.filter(street_id=street_id))
    offered = CommunityChoices(communities[: COMMUNITY_CHOICES_MAX + 1])
    if len(offered) <= COMMUNITY_CHOICES_MAX:
        return offered
    chosen = CommunityChoices(communities.filter(pk=chosen_id) if chosen_id else ())
    chosen.need_street = True
    return chosen


def user_has_scope(*, user) -> bool:
    """Whether the user belongs to any organisation (or is an operator); no query when cached."""
    return not scope_for(user).is_empty


def user_sees_own_company_terms_only(*, user) -> bool:
    """True for users whose only scope is a property company: they see their own terms only."""
    return scope_for(user).company_only


def compounds_for_detail(*, user) -> QuerySet[Compound]:
    """The compounds whose page the user may open, with region and current company.

    The view looks one up with ``get_object_or_404``: a compound outside the scope is a 404.
    """
    return (
        Compound.objects.visible_to(user)
        .with_current_company()
        .select_related("community__street__district")
    )


def compound_management_terms(*, user, compound: Compound) -> QuerySet[ManagementTerm]:
    """The compound's management terms the user may see, newest first.

    A property company's users see only their own company's terms, not who ran it before.
    """
    return (
        ManagementTerm.objects.visible_to(user)
        .filter(compound=compound)
        .select_related("company")
        .annotate(is_current=ExpressionWrapper(current_term_q(), output_field=BooleanField()))
        .order_by("-start")
    )


@dataclass(frozen=True)
class HouseholdSummary:
    registered: int
    owner_occupied: int
    rented: int
    vacant: int
    residents: int
    floating_residents: int
    with_roster: int = 0
    occupied: int = 0
    rented_without_tenant: int = 0


def compound_household_summary(*, user, compound: Compound) -> HouseholdSummary:
    """Figures of the compound's registered households, in one aggregate query; residents
    come from each household's roster where it has one, else from its typed counts
    (``communities.residents.figures``)."""
    figures = with_counts(Household.objects.visible_to(user).filter(compound=compound)).aggregate(
        owner_occupied=Count("pk", filter=Q(occupancy=Occupancy.OWNER)),
        vacant=Count("pk", filter=Q(occupancy=Occupancy.VACANT)),
        **household_figures(),
    )
    return HouseholdSummary(
        registered=figures["households"],
        owner_occupied=figures["owner_occupied"],
        rented=figures["rented"],
        vacant=figures["vacant"],
        residents=figures["residents"],
        floating_residents=figures["floating"],
        with_roster=figures["with_roster"],
        occupied=figures["occupied"],
        rented_without_tenant=figures["rented_without_tenant"],
    )


def compound_registration_rate(*, compound: Compound):
    """The compound's 列管率 today (the page has checked that the user sees the compound)."""
    return registration_rate(Compound.objects.filter(pk=compound.pk))


def notifications_for(*, user):
    """A user's own notifications, newest first."""
    from communities.models import Notification

    return Notification.objects.for_user(user).order_by("-created_at", "-pk")


def users_manageable_by(actor):
    """Users an admin may see and change: every one of their memberships is in an organisation
    the admin could grant, they hold no operator groups or single permissions, and they are not
    the admin (nobody edits their own memberships). Operators manage everyone."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from communities.models import Membership, Organisation
    from communities.roles import role_group_names

    User = get_user_model()
    if actor.is_superuser:
        return User.objects.all()
    grantable = Organisation.objects.grantable_by(actor).values("pk")
    operator_groups = Group.objects.exclude(name__in=role_group_names())
    return (
        User.objects.filter(
            is_superuser=False,
            pk__in=Membership.objects.filter(organisation__in=grantable).values("user_id"),
        )
        .exclude(pk__in=Membership.objects.exclude(organisation__in=grantable).values("user_id"))
        .exclude(
            pk__in=User.groups.through.objects.filter(group__in=operator_groups).values("user_id")
        )
        .exclude(pk__in=User.user_permissions.through.objects.values("user_id"))
        .exclude(pk=actor.pk)
    )


def compounds_for_filter(*, user) -> QuerySet:
    """The compounds a user may narrow a list to (those of their scope), by code: a queryset,
    never read whole (a list's compound filter is a typeahead, ``compound_choice``)."""
    return compounds_visible_to(user).only("pk", "code", "name").order_by("code")
