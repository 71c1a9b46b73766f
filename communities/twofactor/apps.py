from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwoFactorConfig(AppConfig):
    name = "communities.twofactor"
    label = "twofactor"
    verbose_name = _("Two-factor login")

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.auth.signals import user_logged_in
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from communities.guide import register_sections

        from .middleware import remember_step_at_login

        # A device's secret is nobody's to read or edit in the admin: an administrator resets a
        # user's two-factor login with the user list's action (admin_actions), nothing else.
        for model in (TOTPDevice, StaticDevice):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
        user_logged_in.connect(remember_step_at_login, dispatch_uid="twofactor_step_at_login")
        register_sections(
            "twofactor",
            {
                "security": "security#1-两步验证是什么",
                "setup": "security#2-启用两步验证",
                "verify": "security#3-登录时输入验证码",
                "recovery_codes": "security#4-恢复码",
                "disable": "security#5-关闭两步验证",
            },
        )
