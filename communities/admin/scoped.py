"""The admin side of the scoping rule: one mixin every admin class of every app uses."""

from auditlog.mixins import AuditlogHistoryAdminMixin
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import NestedObjects, unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities import audit
from communities.admin.autocomplete_filter import autocomplete_filter_media
from communities.admin.changelist import RowLinksChangeList
from communities.paginators import EstimatedCountPaginator
from communities.privacy import can_see_personal_data, mask_value, personal_fields
from communities.versioning import VersionCheckMixin, versioned


def router_db(objs) -> str:
    first = next(iter(objs), None)
    return router.db_for_write(type(first)) if first is not None else "default"


def scoped_queryset(model, user):
    """The model's rows visible to the user; users: those the user may manage."""
    if model is get_user_model():
        from communities.selectors import users_manageable_by

        return users_manageable_by(user)
    manager = model._default_manager
    if hasattr(manager, "visible_to"):
        return manager.visible_to(user)
    return manager.all() if user.is_superuser else manager.none()


MSG_HIDDEN_RELATED = _(
    "Other records outside your area depend on this one; ask the housing bureau to delete it."
)


def _hidden_related(objs, request, using: str) -> bool:
    """Whether deleting ``objs`` would touch (cascade or be blocked by) rows the user cannot
    see: then the delete page must neither list them nor go ahead."""
    collector = NestedObjects(using=using)
    collector.collect(objs)
    related = list(collector.data.items()) + [
        (type(obj), [obj]) for obj in getattr(collector, "protected", ())
    ]
    for model, instances in related:
        pks = {obj.pk for obj in instances}
        if model._meta.auto_created or model is get_user_model() or not pks:
            continue
        visible = scoped_queryset(model, request.user).filter(pk__in=pks).count()
        if visible != len(pks):
            return True
    return False


class ScopedAdminMixin(AuditlogHistoryAdminMixin):
    """Start every list, object, choice and filter from ``visible_to(request.user)``.

    An object outside the scope is a 404 (not Django's redirect to the index, which would tell
    that the id exists). Writes are re-checked: a saved object must still be in scope.
    """

    # Personal data is never filtered on (a URL filter could confirm guesses) by users who may
    # not see it: the model's declared personal fields, and these lookups through relations.
    personal_lookups: tuple[str, ...] = ()
    show_full_result_count = False
    paginator = EstimatedCountPaginator  # no exact COUNT(*) of a million households per page
    # The global audit log is for operators (it is not scoped); each object's own history,
    # reached through its scoped admin, is for everyone who may see the object: a «审计日志»
    # button on the object's page (templates/admin/change_form.html), not a column of links
    # that costs every change list its width.
    show_auditlog_history_link = False
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def action_checkbox(self, obj):
        """Django's row checkbox, written as its widget renders it: the widget's templates
        took half a millisecond a row (a quarter of a 50-row list's rendering)."""
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )

    @property
    def media(self):
        return super().media + autocomplete_filter_media(self)

    #: relations the one object's page shows besides those ``get_queryset`` joins for the
    #: list (a list joining all of them can cost more to plan than to read)
    object_select_related: tuple[str, ...] = ()

    def get_object(self, request, object_id, from_field=None):
        # Raising here, before Django checks model permissions, makes an id outside the scope
        # a 404 for everyone: no 403-versus-redirect difference tells that it exists.
        if self.object_select_related:
            obj = self._joined_object(request, object_id, from_field)
        else:
            obj = super().get_object(request, object_id, from_field)
        if obj is None:
            _note_refused(request, self.model, object_id, from_field)
            raise Http404
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        """A change form refuses a save over someone else's since the page was shown
        (``communities.versioning``; the page posts the version, admin/change_form.html)."""
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or not versioned(self.model):
            return form
        return type(form.__name__, (VersionCheckMixin, form), {})

    def _joined_object(self, request, object_id, from_field):
        """ModelAdmin.get_object, joining ``object_select_related`` as well."""
        queryset = self.get_queryset(request).select_related(*self.object_select_related)
        field = self.opts.pk if from_field is None else self.opts.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None

    def get_changelist(self, request, **kwargs):
        return RowLinksChangeList

    def get_changelist_instance(self, request):
        # A filter value Python or the database driver cannot turn into a query value
        # (?id__in=999999999999999999999 on SQLite, ?registered_at__year=99999) is the admin's
        # "incorrect lookup" (the list shows again with a note), not a 500. Both fail before the
        # statement reaches the database, so no transaction is left broken.
        try:
            return super().get_changelist_instance(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error

    def lookup_allowed(self, lookup, value, request):
        field = lookup.split(LOOKUP_SEP, 1)[0]
        personal = {*personal_fields(self.model), *self.personal_lookups}
        if field in personal and not can_see_personal_data(request.user):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if not request.user.is_superuser and _hidden_related(objs, request, router_db(objs)):
            return [], {}, perms_needed, [str(MSG_HIDDEN_RELATED)]
        return deleted, counts, perms_needed, protected

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


def masked_column(field: str, description):
    """An admin column (or read-only field) showing one personal field masked as its model
    declares (``communities.privacy``), for users who may not see personal data."""

    @admin.display(description=description)
    def column(self, obj):
        return mask_value(type(obj), field, getattr(obj, field))

    return column


def _note_refused(request, model, object_id, from_field=None) -> None:
    """An id that exists outside the user's scope goes to the audit trail (a missing one not)."""
    field = model._meta.pk if from_field is None else model._meta.get_field(from_field)
    try:
        value = field.to_python(unquote(object_id))
        found = model._base_manager.filter(**{field.attname: value}).values_list("pk", flat=True)
        found = found.first()
    except (ValidationError, ValueError, TypeError, OverflowError):
        return
    if found is not None:
        audit.refused(request, model, found)
