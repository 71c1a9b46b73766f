"""``manage.py sync_roles``: role groups and their permissions, the same however often it runs."""

from io import StringIO

from django.contrib.auth.models import Group
from django.core.management import call_command

from communities.roles import group_name, role_group_names, role_permissions


def _groups() -> dict[str, set[str]]:
    return {
        group.name: {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        for group in Group.objects.prefetch_related("permissions")
    }


def _sync_roles() -> str:
    out = StringIO()
    call_command("sync_roles", stdout=out)
    return out.getvalue()


def test_sync_roles_reports_how_many_role_groups_exist(db):
    assert f"Role groups in sync: {len(role_permissions())}." in _sync_roles()
    assert role_group_names() <= set(Group.objects.values_list("name", flat=True))


def test_sync_roles_twice_gives_the_same_groups_and_permissions(db):
    _sync_roles()
    first = _groups()
    _sync_roles()
    assert _groups() == first
    for (kind, role), permissions in role_permissions().items():
        assert first[group_name(kind, role)] == permissions


def test_sync_roles_restores_a_permission_taken_from_a_role_group_by_hand(db):
    group = Group.objects.get(name=group_name("company", "admin"))
    group.permissions.clear()
    _sync_roles()
    assert _groups()[group.name] == role_permissions()[("company", "admin")]


def test_sync_roles_leaves_a_group_made_by_hand_alone(db):
    Group.objects.create(name="值班人员")
    _sync_roles()
    assert Group.objects.filter(name="值班人员").exists()
