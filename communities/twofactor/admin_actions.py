"""Two-factor login in the user list: a column saying who has enrolled, and the admin's way to
help a user who lost their phone: reset their two-factor login. Their app and recovery codes
are removed; at their next login they enrol again (if their role must use it) or log in with
the password alone."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services


def with_two_factor(users):
    """Users with ``two_factor_on``: whether they enrolled an app (in the same query)."""
    enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return users.annotate(two_factor_on=Exists(enrolled))


@admin.display(description=_("Two-factor login"), boolean=True, ordering="two_factor_on")
def two_factor_column(user):
    return getattr(user, "two_factor_on", None)


@admin.action(
    description=_("Reset two-factor login (lost phone: the user enrols again)"),
    permissions=["change"],
)
def two_factor_reset(modeladmin, request, queryset):
    count = sum(
        services.two_factor_disable(user=user, request=request, actor=request.user)
        for user in queryset
    )
    modeladmin.message_user(
        request,
        ngettext(
            "Two-factor login reset for %(count)d user.",
            "Two-factor login reset for %(count)d users.",
            count,
        )
        % {"count": count},
    )
