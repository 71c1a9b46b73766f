"""The admin side of the scoping rule: one mixin every admin class of every app uses."""

from auditlog.mixins import AuditlogHistoryAdminMixin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404


def scoped_queryset(model, user):
    """The model's rows visible to the user; users are visible through their memberships."""
    if model is get_user_model():
        from communities.models import Membership

        if user.is_superuser:
            return model.objects.all()
        members = Membership.objects.visible_to(user).values("user_id")
        return model.objects.filter(pk__in=members, is_superuser=False)
    manager = model._default_manager
    if hasattr(manager, "visible_to"):
        return manager.visible_to(user)
    return manager.all() if user.is_superuser else manager.none()


class ScopedAdminMixin(AuditlogHistoryAdminMixin):
    """Start every list, object, choice and filter from ``visible_to(request.user)``.

    An object outside the scope is a 404 (not Django's redirect to the index, which would tell
    that the id exists). Writes are re-checked: a saved object must still be in scope.
    """

    show_full_result_count = False
    # The global audit log is for operators (it is not scoped); each object's own history,
    # reached through its scoped admin, is for everyone who may see the object.
    show_auditlog_history_link = True
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_object(self, request, object_id, from_field=None):
        # Raising here, before Django checks model permissions, makes an id outside the scope
        # a 404 for everyone: no 403-versus-redirect difference tells that it exists.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", scoped_queryset(db_field.related_model, request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", scoped_queryset(db_field.related_model, request.user))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not self.get_queryset(request).filter(pk=obj.pk).exists():
            raise PermissionDenied  # rolls back: ATOMIC_REQUESTS


class ScopedInlineMixin:
    """Inlines: rows and foreign-key choices from the user's scope too."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", scoped_queryset(db_field.related_model, request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
