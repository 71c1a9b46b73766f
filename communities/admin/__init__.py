from . import register, users  # noqa: F401  (registers the admin classes)
from .scoped import ScopedAdminMixin, ScopedInlineMixin, scoped_queryset

__all__ = ["ScopedAdminMixin", "ScopedInlineMixin", "scoped_queryset"]
