"""Roles as Django groups: one group per organisation kind and role, with its permissions.

``roles_sync()`` is idempotent; it runs after every ``migrate`` and from the ``sync_roles``
command. A user's groups follow from their memberships (``services.membership_sync_user``).
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from communities.models import OrganisationKind, Role

REGISTER = [
    "district",
    "street",
    "community",
    "compound",
    "propertycompany",
    "managementterm",
    "household",
]
ORGANISATIONS = ["organisation", "membership"]


def _perms(actions, models, app="communities"):
    return {f"{app}.{action}_{model}" for action in actions for model in models}


VIEW_ALL = _perms(["view"], REGISTER)
EXPORT_ALL = _perms(["export"], REGISTER)
PERSONAL = {"communities.view_personal_data"}
HOUSEHOLD_WRITE = _perms(["add", "change", "delete", "import"], ["household"])

ROLE_PERMISSIONS: dict[tuple[str, str], set[str]] = {
    (OrganisationKind.BUREAU, Role.ADMIN): (
        _perms(["add", "change", "delete", "view", "import", "export"], REGISTER)
        | _perms(["add", "change", "delete", "view"], ORGANISATIONS)
        | _perms(["add", "change", "view"], ["user"], app="auth")
        | PERSONAL
    ),
    (OrganisationKind.BUREAU, Role.STAFF): (
        _perms(["add", "change", "view", "import", "export"], REGISTER)
        | _perms(["view"], ORGANISATIONS)
    ),
    (OrganisationKind.BUREAU, Role.VIEWER): VIEW_ALL | EXPORT_ALL,
    (OrganisationKind.STREET_OFFICE, Role.ADMIN): (
        VIEW_ALL
        | EXPORT_ALL
        | _perms(["change", "import"], ["compound", "community"])
        | HOUSEHOLD_WRITE
        | _perms(["view"], ORGANISATIONS)
        | PERSONAL
    ),
    (OrganisationKind.STREET_OFFICE, Role.STAFF): (
        VIEW_ALL | EXPORT_ALL | _perms(["change", "import"], ["compound"]) | HOUSEHOLD_WRITE
    ),
    (OrganisationKind.STREET_OFFICE, Role.VIEWER): VIEW_ALL | EXPORT_ALL,
    (OrganisationKind.COMMUNITY_COMMITTEE, Role.ADMIN): (
        VIEW_ALL
        | EXPORT_ALL
        | _perms(["change"], ["compound"])
        | HOUSEHOLD_WRITE
        | _perms(["view"], ORGANISATIONS)
        | PERSONAL
    ),
    (OrganisationKind.COMMUNITY_COMMITTEE, Role.STAFF): VIEW_ALL
    | EXPORT_ALL
    | HOUSEHOLD_WRITE
    | PERSONAL,
    (OrganisationKind.COMMUNITY_COMMITTEE, Role.VIEWER): VIEW_ALL | EXPORT_ALL,
    (OrganisationKind.PROPERTY_COMPANY, Role.ADMIN): (
        _perms(["view"], ["compound", "propertycompany", "managementterm", "household"])
        | _perms(["export"], ["compound", "household"])
        | HOUSEHOLD_WRITE
        | _perms(["view"], ORGANISATIONS)
        # No personal data in full by default (issue 10): residents' and dispute parties' names,
        # phones and ID numbers are the government's register, not the company's; a company
        # types them for a new household but reads them masked.
    ),
    (OrganisationKind.PROPERTY_COMPANY, Role.STAFF): (
        _perms(["view"], ["compound", "propertycompany", "managementterm", "household"])
        | _perms(["export"], ["compound", "household"])
        | _perms(["add", "change", "import"], ["household"])
    ),
    (OrganisationKind.PROPERTY_COMPANY, Role.VIEWER): (
        _perms(["view"], ["compound", "propertycompany", "managementterm", "household"])
        | _perms(["export"], ["compound", "household"])
    ),
}

KIND_LABEL = {
    OrganisationKind.BUREAU: _("Housing bureau"),
    OrganisationKind.STREET_OFFICE: _("Street office"),
    OrganisationKind.COMMUNITY_COMMITTEE: _("Community committee"),
    OrganisationKind.PROPERTY_COMPANY: _("Property company"),
}


# Permissions that other apps add to the role groups (``extend_role_permissions`` in their
# AppConfig.ready): communities does not import them, they register here.
_EXTENSIONS: list[dict[tuple[str, str], set[str]]] = []


def extend_role_permissions(mapping: dict[tuple[str, str], set[str]]) -> None:
    """Add an app's permissions to role groups; called from the app's ``ready()``."""
    if mapping not in _EXTENSIONS:
        _EXTENSIONS.append(mapping)


def role_permissions() -> dict[tuple[str, str], set[str]]:
    """Every role's permissions: the register's plus those the other apps registered."""
    merged = {key: set(codes) for key, codes in ROLE_PERMISSIONS.items()}
    for mapping in _EXTENSIONS:
        for key, codes in mapping.items():
            merged.setdefault(key, set()).update(codes)
    return merged


def group_name(kind: str, role: str) -> str:
    """A stable group name such as ``role:bureau:admin`` (shown translated in the admin)."""
    return f"role:{kind}:{role}"


def role_group_names() -> set[str]:
    return {group_name(kind, role) for kind, role in ROLE_PERMISSIONS}


@transaction.atomic
def roles_sync() -> int:
    """Create or update the role groups; returns how many groups exist afterwards."""
    from communities.duties import duty_group_name, duty_permissions

    roles = role_permissions()
    duties = duty_permissions()
    wanted = set().union(*roles.values(), *duties.values())
    by_key = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    missing = sorted(wanted - by_key.keys())
    if missing:
        raise RuntimeError(f"Permissions not found (run migrate first): {missing}")
    for (kind, role), codes in roles.items():
        group, _created = Group.objects.get_or_create(name=group_name(kind, role))
        group.permissions.set([by_key[code] for code in codes])
    for duty, codes in duties.items():
        group, _created = Group.objects.get_or_create(name=duty_group_name(duty))
        group.permissions.set([by_key[code] for code in codes])
    return len(roles)
