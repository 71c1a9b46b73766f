"""A user's permissions are read in one statement (communities.accounts.backends), and they are
exactly the ones Django's own model backend gives."""

import pytest
from django.contrib.auth import backends as django_backends
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from communities.accounts.backends import ModelBackend
from tests import factories as f

pytestmark = pytest.mark.django_db


def _permission(codename):
    return Permission.objects.get(codename=codename)


def _fresh(user):
    return get_user_model().objects.get(pk=user.pk)  # without the permission caches


@pytest.fixture
def user():
    user = f.UserFactory(username="perm_user")
    own = _permission("view_compound")
    both = _permission("change_compound")
    user.user_permissions.add(own, both)
    group = Group.objects.create(name="审核组")
    group.permissions.add(both, _permission("view_disputecase"))
    other = Group.objects.create(name="他组")
    other.permissions.add(_permission("delete_compound"))  # not the user's group
    user.groups.add(group)
    return user


def test_own_and_group_permissions_in_one_statement(user, django_assert_num_queries):
    fresh = _fresh(user)
    with django_assert_num_queries(1):
        found = ModelBackend().get_all_permissions(fresh)
        assert fresh.has_perm("communities.view_compound")  # read once, then kept
    assert found == {
        "communities.view_compound",
        "communities.change_compound",
        "disputes.view_disputecase",
    }
    assert not fresh.has_perm("communities.delete_compound")


def test_the_same_permissions_as_djangos_backend(user):
    root = get_user_model().objects.create_superuser("perm_root", password="x-Long-enough-2026")
    inactive = f.UserFactory(username="perm_inactive", is_active=False)
    inactive.user_permissions.add(_permission("view_compound"))
    nobody = f.UserFactory(username="perm_nobody")
    for someone in (user, root, inactive, nobody):
        ours = ModelBackend().get_all_permissions(_fresh(someone))
        theirs = django_backends.ModelBackend().get_all_permissions(_fresh(someone))
        assert ours == theirs, someone.username
    assert len(ModelBackend().get_all_permissions(_fresh(root))) == Permission.objects.count()
    assert ModelBackend().get_all_permissions(_fresh(inactive)) == set()


def test_the_site_uses_it(user, settings):
    assert "communities.accounts.backends.ModelBackend" in settings.AUTHENTICATION_BACKENDS
    assert "django.contrib.auth.backends.ModelBackend" not in settings.AUTHENTICATION_BACKENDS
