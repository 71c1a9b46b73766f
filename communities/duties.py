"""Separation of duties (GB/T 22239 8.1.4.2, 8.1.5): three administrator duties, each a group
made by ``roles_sync``, and no one holds two of them.

- 系统管理员 (system): user accounts, organisations and memberships, the job schedule;
- 安全管理员 (security): roles and their permissions, two-factor devices (reset a lost phone),
  and who holds a duty;
- 审计管理员 (audit): reads and exports the audit trail, nothing else.

A superuser exists only to install the system (``createsuperuser``, then ``grant_duty`` for the
three administrators); its logins are marked in the audit trail.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import m2m_changed
from django.utils.translation import gettext_lazy as _

from communities import audit

SYSTEM, SECURITY, AUDIT = "system", "security", "audit"
DUTY_LABELS = {
    SYSTEM: _("system administrator"),
    SECURITY: _("security administrator"),
    AUDIT: _("audit administrator"),
}
MSG_ONE_DUTY = _(
    "{user} already holds the duty «{held}»: one person holds at most one of the system, "
    "security and audit administrator duties."
)
MSG_NOT_ALLOWED = _("Only a security administrator may grant or take away a duty.")
MSG_NOT_YOURSELF = _("Nobody grants a duty to themselves or takes away their own.")


def _perms(app: str, actions, models) -> set[str]:
    return {f"{app}.{action}_{model}" for action in actions for model in models}


def duty_permissions() -> dict[str, set[str]]:
    security = _perms("auth", ["view", "change"], ["group"]) | {"auth.view_user"}
    for app, model in (("otp_totp", "totpdevice"), ("otp_static", "staticdevice")):
        if apps.is_installed(f"django_otp.plugins.{app}"):
            security |= _perms(app, ["view", "delete"], [model])
    return {
        SYSTEM: (
            _perms("auth", ["add", "change", "view"], ["user"])
            | _perms("communities", ["add", "change", "view", "delete"], ["organisation"])
            | _perms("communities", ["add", "change", "view", "delete"], ["membership"])
            | _perms("django_celery_beat", ["view", "change"], ["periodictask"])
        ),
        SECURITY: security,
        AUDIT: {"communities.view_auditentry", "communities.export_auditentry"},
    }


def duty_group_name(duty: str) -> str:
    return f"duty:{duty}"


DUTY_GROUPS = {duty_group_name(duty): duty for duty in DUTY_LABELS}


def duties_of(user) -> set[str]:
    names = user.groups.filter(name__in=DUTY_GROUPS).values_list("name", flat=True)
    return {DUTY_GROUPS[name] for name in names}


def _is_security_admin(actor) -> bool:
    return actor is None or actor.is_superuser or SECURITY in duties_of(actor)


@transaction.atomic
def duty_grant(*, actor, user, duty: str) -> None:
    """Give ``user`` the duty; ``actor=None`` is the installer (the ``grant_duty`` command)."""
    if not _is_security_admin(actor):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied(MSG_NOT_YOURSELF)
    held = duties_of(user) - {duty}
    if held:
        raise ValidationError(
            str(MSG_ONE_DUTY).format(user=user.get_username(), held=DUTY_LABELS[held.pop()])
        )
    user.groups.add(Group.objects.get(name=duty_group_name(duty)))
    audit.record(audit.DUTY_CHANGED, actor=actor, target=user, duty=duty, granted=True)
    if not user.is_staff:
        user.is_staff = True  # the duties are done in the admin
        user.save(update_fields=["is_staff"])


@transaction.atomic
def duty_revoke(*, actor, user, duty: str) -> None:
    if not _is_security_admin(actor):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied(MSG_NOT_YOURSELF)
    user.groups.remove(*Group.objects.filter(name=duty_group_name(duty)))
    audit.record(audit.DUTY_CHANGED, actor=actor, target=user, duty=duty, granted=False)


def _one_duty_only(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """The database-side guard for every path (the admin's group field, a shell): adding a
    second duty group to a user is refused."""
    if action != "pre_add" or reverse or not pk_set:
        return
    duty_groups = Group.objects.filter(pk__in=pk_set, name__in=DUTY_GROUPS)
    adding = set(duty_groups.values_list("name", flat=True))
    if not adding:
        return
    held = {duty_group_name(duty) for duty in duties_of(instance)}
    if len(adding | held) > 1:
        named = DUTY_GROUPS[sorted(held or adding)[0]]
        raise ValidationError(
            str(MSG_ONE_DUTY).format(user=instance.get_username(), held=DUTY_LABELS[named])
        )


def connect() -> None:
    from django.contrib.auth import get_user_model

    m2m_changed.connect(
        _one_duty_only, sender=get_user_model().groups.through, dispatch_uid="one_duty_only"
    )
