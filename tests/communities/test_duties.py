"""Separation of duties (issue 10, GB/T 22239 8.1.4.2): system, security and audit
administrators are three groups, nobody holds two, each reaches only its own pages."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from communities import audit
from communities.duties import AUDIT, SECURITY, SYSTEM, duties_of, duty_grant, duty_revoke
from tests import factories as f


@pytest.fixture
def admins(db):
    people = {duty: f.UserFactory(username=f"{duty}-admin") for duty in (SYSTEM, SECURITY, AUDIT)}
    for duty, user in people.items():
        call_command("grant_duty", user.username, duty)
    return people


def test_the_installer_grants_the_three_duties_and_each_is_recorded(admins):
    for duty, user in admins.items():
        user.refresh_from_db()
        assert duties_of(user) == {duty}
        assert user.is_staff
    entries = audit.LogEntry.objects.filter(additional_data__event=audit.DUTY_CHANGED)
    assert sorted(e.additional_data["duty"] for e in entries) == sorted([SYSTEM, SECURITY, AUDIT])


def test_nobody_holds_two_duties_by_any_path(admins):
    auditor = admins[AUDIT]

    with pytest.raises(CommandError, match="审计管理员"):
        call_command("grant_duty", auditor.username, SYSTEM)
    with pytest.raises(ValidationError), transaction.atomic():
        auditor.groups.add(Group.objects.get(name="duty:system"))  # the admin's group field
    with pytest.raises(ValidationError), transaction.atomic():
        duty_grant(actor=admins[SECURITY], user=auditor, duty=SECURITY)

    assert duties_of(auditor) == {AUDIT}


def test_only_a_security_administrator_grants_and_never_to_themselves(admins):
    newcomer = f.UserFactory(username="newcomer")

    with pytest.raises(PermissionDenied):
        duty_grant(actor=admins[SYSTEM], user=newcomer, duty=AUDIT)
    with pytest.raises(PermissionDenied):
        duty_revoke(actor=admins[SECURITY], user=admins[SECURITY], duty=SECURITY)
    duty_grant(actor=admins[SECURITY], user=newcomer, duty=AUDIT)

    assert duties_of(newcomer) == {AUDIT}


PAGES = {
    "users": "admin:auth_user_changelist",
    "roles": "admin:auth_group_changelist",
    "audit trail": "admin:communities_auditentry_changelist",
    "compounds": "admin:communities_compound_changelist",
}
REACHES = {
    SYSTEM: {"users"},
    SECURITY: {"users", "roles"},
    AUDIT: {"audit trail"},
}


@pytest.mark.parametrize("duty", [SYSTEM, SECURITY, AUDIT])
def test_each_duty_reaches_only_its_own_pages(client, admins, duty):
    client.force_login(admins[duty])

    reached = {name for name, url in PAGES.items() if client.get(reverse(url)).status_code == 200}

    assert reached == REACHES[duty]


def test_a_duty_survives_a_membership_change(city, admins):
    """The admin access of a duty holder does not follow memberships alone."""
    from communities.services import membership_sync_user

    auditor = admins[AUDIT]
    membership_sync_user(user=auditor)
    auditor.refresh_from_db()

    assert auditor.is_staff and duties_of(auditor) == {AUDIT}
