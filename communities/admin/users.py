"""Organisations, memberships and users: a bureau admin makes users without a superuser.

A user's groups and admin access follow from their memberships (``membership_sync_user``);
non-superusers never see or set superuser status, groups or single permissions.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from communities import models as m
from communities.services import (
    membership_grant_check,
    membership_remove,
    membership_set,
    membership_sync_user,
)
from communities.twofactor.admin_actions import (
    two_factor_column,
    two_factor_reset,
    with_two_factor,
)
from communities.validators import normalize_text

from .scoped import ScopedAdminMixin, ScopedInlineMixin, scoped_queryset

User = get_user_model()


def _grantable_choices(db_field, request, kwargs) -> dict:
    """Organisation choices on membership forms: only those the admin may grant."""
    if db_field.name == "organisation":
        kwargs["queryset"] = m.Organisation.objects.grantable_by(request.user)
    return kwargs


class MembershipInline(ScopedInlineMixin, admin.TabularInline):
    model = m.Membership
    extra = 0
    autocomplete_fields = ["organisation", "user"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = _grantable_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OrganisationMembershipInline(MembershipInline):
    fields = ["user", "role"]


class UserMembershipInline(MembershipInline):
    fields = ["organisation", "role"]


class SyncMembershipsMixin:
    """Membership rows edited inline pass the service's grant check (refused: the request
    rolls back), and afterwards the users' groups follow."""

    def save_formset(self, request, form, formset, change):
        if formset.model is m.Membership:
            touched = [f.instance for f in formset.forms if f.has_changed()]
            touched += list(getattr(formset, "deleted_objects", []))
            touched += [f.instance for f in formset.deleted_forms if f.instance.pk]
            for membership in touched:
                if membership.organisation_id:
                    membership_grant_check(
                        actor=request.user,
                        user=membership.user if membership.user_id else None,
                        organisation=membership.organisation,
                    )
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        users = set()
        for formset in formsets:
            if formset.model is m.Membership:
                users |= {f.instance.user for f in formset.forms if f.instance.user_id}
                users |= {obj.user for obj in formset.deleted_objects}
        if isinstance(form.instance, User):
            users.add(form.instance)
        for user in users:
            membership_sync_user(user=user)


@admin.register(m.Organisation)
class OrganisationAdmin(SyncMembershipsMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "area", "member_count"]
    list_select_related = ["district", "street", "community", "property_company"]
    list_filter = ["kind"]
    search_fields = ["name"]
    autocomplete_fields = ["district", "street", "community", "property_company"]
    inlines = [OrganisationMembershipInline]

    def get_queryset(self, request):
        from django.db.models import Count

        # ordered in so many words: a grouped query drops the model's ordering, and the
        # typeahead's pages of organisations came unordered
        counted = super().get_queryset(request).annotate(n_members=Count("memberships"))
        return counted.order_by("kind", "name", "pk")

    def get_search_results(self, request, queryset, search_term):
        """The typeahead of a membership's organisation (the new-user form, the members inline)
        offers only what the user may grant, as the field then checks."""
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        if (request.GET.get("model_name"), request.GET.get("field_name")) == (
            "membership",
            "organisation",
        ):
            grantable = m.Organisation.objects.grantable_by(request.user)
            queryset = queryset.filter(pk__in=grantable.values("pk"))
        return queryset, duplicates

    @admin.display(description=_("area"))
    def area(self, obj):
        return obj.district or obj.street or obj.community or obj.property_company or "—"

    @admin.display(description=_("members"), ordering="n_members")
    def member_count(self, obj):
        return obj.n_members


@admin.register(m.Membership)
class MembershipAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_select_related = ["user", "organisation"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__username", "user__first_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = _grantable_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        membership_grant_check(actor=request.user, user=obj.user, organisation=obj.organisation)
        super().save_model(request, obj, form, change)
        membership_sync_user(user=obj.user)

    def delete_model(self, request, obj):
        membership_remove(membership=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "organisation"):
            membership_remove(membership=membership, actor=request.user)


class UserWithRoleCreationForm(UserCreationForm):
    """New user together with their first membership, so they are in scope at once."""

    organisation = forms.ModelChoiceField(
        queryset=m.Organisation.objects.none(), label=_("organisation")
    )
    role = forms.ChoiceField(choices=m.Role.choices, label=_("role"), initial=m.Role.STAFF)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "first_name", "last_name", "email"]


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(SyncMembershipsMixin, ScopedAdminMixin, DjangoUserAdmin):
    add_form = UserWithRoleCreationForm
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "is_active",
        two_factor_column,
        "last_login",
    ]
    list_filter = ["is_active", "memberships__role", "memberships__organisation__kind"]
    inlines = [UserMembershipInline]
    actions = [two_factor_reset]
    staff_fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Status"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    staff_add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "first_name",
                    "email",
                    "organisation",
                    "role",
                    "password1",
                    "password2",
                ],
            },
        )
    ]

    def get_queryset(self, request):
        return with_two_factor(scoped_queryset(User, request.user))

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.staff_add_fieldsets
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.staff_fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["last_login", "date_joined"]

    def get_inlines(self, request, obj):
        return [] if obj is None else self.inlines

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None or "organisation" not in form.base_fields:
            return form
        actor = request.user

        class AddForm(form):
            # Set per instance: the class is shared by every request, its fields are not.
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                field = self.fields["organisation"]
                # typed, as on the memberships inline: a province's bureau grants some 4,000
                field.widget = AutocompleteSelect(
                    m.Membership._meta.get_field("organisation"), admin.site
                )
                field.required = not actor.is_superuser  # operators may make operators
                field.widget.is_required = field.required
                field.queryset = m.Organisation.objects.grantable_by(actor)  # the widget's too

        return AddForm

    def save_model(self, request, obj, form, change):
        # A person's name as shown everywhere (people.person_name): no invisible characters.
        obj.first_name = normalize_text(obj.first_name)
        obj.last_name = normalize_text(obj.last_name)
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        if not change and form.cleaned_data.get("organisation"):
            membership_set(
                user=obj,
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
                actor=request.user,
            )
        if not self.get_queryset(request).filter(pk=obj.pk).exists():
            raise PermissionDenied
