"""Django's model backend, reading a user's permissions in one statement.

Django's ``ModelBackend`` reads the user's own permissions and their groups' in two statements;
every workbench page asks for them, so here both come from one ``UNION``. Which permissions a
user has is Django's rule, unchanged: an inactive user has none, a superuser has all.
"""

from django.contrib.auth import backends
from django.contrib.auth.models import Permission

FIELDS = ("content_type__app_label", "codename")


def _names(rows) -> set[str]:
    return {f"{app_label}.{codename}" for app_label, codename in rows}


class ModelBackend(backends.ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list(*FIELDS).order_by()
            else:
                own = Permission.objects.filter(user=user_obj).values_list(*FIELDS).order_by()
                grouped = Permission.objects.filter(group__user=user_obj)
                rows = own.union(grouped.values_list(*FIELDS).order_by())
            user_obj._perm_cache = _names(rows)
        return user_obj._perm_cache
