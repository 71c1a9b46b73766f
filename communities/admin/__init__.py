from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from communities.activities import admin as activities_admin  # noqa: F401
from communities.residents import admin as residents_admin  # noqa: F401

from . import audit_log, register, users  # noqa: F401  (registers the admin classes)
from .scoped import ScopedAdminMixin, ScopedInlineMixin, masked_column, scoped_queryset

admin.site.site_header = _("SafeCompound administration")
admin.site.site_title = _("SafeCompound")
admin.site.index_title = _("Register and campaign administration")
admin.site.site_url = "/"

__all__ = ["ScopedAdminMixin", "ScopedInlineMixin", "masked_column", "scoped_queryset"]
