"""The admin's way to help a user who lost their phone: reset their two-factor login. Their
app and recovery codes are removed; at their next login they enrol again (if their role must
use it) or log in with the password alone."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services


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
