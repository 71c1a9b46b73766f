"""Who must use two-factor login: ``settings.TWO_FACTOR_REQUIRED_FOR``.

- ``"privileged"`` (the default): superusers, members of a housing bureau, anyone with an
  administrator role in an organisation, and operators made staff by hand (``is_staff``
  without a membership: a member's ``is_staff`` only follows their memberships and opens the
  scoped admin, so it does not make them privileged by itself);
- ``"all"``: everyone;
- ``"none"``: nobody (each user may still enable it).
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from communities.models import Membership, OrganisationKind, Role

MODES = ("privileged", "all", "none")


def required_for() -> str:
    mode = getattr(settings, "TWO_FACTOR_REQUIRED_FOR", "privileged")
    if mode not in MODES:
        raise ImproperlyConfigured(
            f"TWO_FACTOR_REQUIRED_FOR must be one of {', '.join(MODES)}, not {mode!r}."
        )
    return mode


def is_privileged(user) -> bool:
    """A bureau member, an administrator of any organisation, a superuser or an operator."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    memberships = Membership.objects.filter(user=user)
    admin_or_bureau = Q(role=Role.ADMIN) | Q(organisation__kind=OrganisationKind.BUREAU)
    if memberships.filter(admin_or_bureau).exists():
        return True
    return user.is_staff and not memberships.exists()


def two_factor_required(user) -> bool:
    mode = required_for()
    if mode == "all":
        return user.is_authenticated
    if mode == "none":
        return False
    return is_privileged(user)
