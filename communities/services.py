"""Writes to the register that carry a rule beyond saving a form."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from communities.duties import duties_of
from communities.models import Membership, Organisation, Role
from communities.roles import group_name, role_group_names
from communities.scoping import forget_scope

User = get_user_model()

MSG_OWN_MEMBERSHIP = _("You cannot change your own memberships.")
MSG_NOT_GRANTABLE = _(
    "You may only give memberships of organisations whose whole area lies within yours."
)


@transaction.atomic
def membership_sync_user(*, user) -> None:
    """Make the user's role groups and admin access follow their memberships.

    Groups that are not role groups (added by hand by an operator) are left alone.
    """
    wanted = {
        group_name(kind, role)
        for kind, role in Membership.objects.filter(user=user).values_list(
            "organisation__kind", "role"
        )
    }
    current = set(user.groups.filter(name__in=role_group_names()).values_list("name", flat=True))
    if current - wanted:
        user.groups.remove(*Group.objects.filter(name__in=current - wanted))
    if wanted - current:
        user.groups.add(*Group.objects.filter(name__in=wanted - current))
    # The admin is for members of an organisation and for the holders of a duty.
    has_membership = bool(wanted) or bool(duties_of(user))
    if user.is_staff != has_membership and not user.is_superuser:
        user.is_staff = has_membership
        user.save(update_fields=["is_staff"])
    forget_scope(user)


def membership_grant_check(*, actor, user, organisation: Organisation) -> None:
    """Refuse a membership that the actor may not grant: one for themselves, or in an
    organisation whose area is not wholly inside the actor's scope. ``actor=None`` is the
    system (seeding, commands)."""
    if actor is None or actor.is_superuser:
        return
    if user is not None and user.pk == actor.pk:
        raise PermissionDenied(MSG_OWN_MEMBERSHIP)
    if not Organisation.objects.grantable_by(actor).filter(pk=organisation.pk).exists():
        raise PermissionDenied(MSG_NOT_GRANTABLE)


@transaction.atomic
def membership_set(
    *, user, organisation: Organisation, role: str = Role.STAFF, actor=None
) -> Membership:
    """Give a user a role in an organisation (or change it) and sync their groups."""
    membership_grant_check(actor=actor, user=user, organisation=organisation)
    membership, _created = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    membership_sync_user(user=user)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor=None) -> None:
    membership_grant_check(actor=actor, user=membership.user, organisation=membership.organisation)
    user = membership.user
    membership.delete()
    membership_sync_user(user=user)


@transaction.atomic
def user_create(*, username: str, password: str, organisation: Organisation, role: str, **fields):
    """Create a user who belongs to an organisation with a role, in one step."""
    user = User.objects.create_user(username=username, password=password, **fields)
    membership_set(user=user, organisation=organisation, role=role)
    return user
