from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("月度报告 monthly reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from reports import registry

        registry.register_all()
