from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "communities.accounts"
    label = "accounts"
    verbose_name = _("Accounts and sessions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from communities.accounts import sessions

        sessions.connect_signals()
