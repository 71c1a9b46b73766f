"""The content security policy (django-csp), with the one exception the Django admin needs.

The workbench (every page outside /admin/) runs under settings.CONTENT_SECURITY_POLICY as it is:
scripts and styles only from our own static files, never inline (no <script> body, no on*=
handler, no style= attribute, no <style> block: see docs/architecture.md). The admin's own
templates and those of the packages it shows (Django's change list without actions,
django-auditlog's history, django-import-export's forms) still put style= attributes and <style>
blocks in their pages; a nonce cannot allow a style= attribute (and makes browsers ignore
'unsafe-inline'), so the admin alone gets ``style-src 'self' 'unsafe-inline'``. Its scripts stay
'self' only: Django 5.2's admin has no inline script.
"""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts

ADMIN_NAMESPACE = "admin"
ADMIN_POLICY_UPDATE = {"style-src": [UNSAFE_INLINE]}


def is_admin_request(request) -> bool:
    """True for a page the admin site answers (resolved into the ``admin`` namespace)."""
    match = getattr(request, "resolver_match", None)
    return bool(match and ADMIN_NAMESPACE in match.namespaces)


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, adding inline styles to the policy of admin pages only."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if parts.update is None and is_admin_request(request):
            parts.update = ADMIN_POLICY_UPDATE
        return parts
