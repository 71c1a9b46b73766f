"""Production: secrets have no defaults, DEBUG is refused, static files are hashed."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (config.settings.production).")
if SECRET_KEY.startswith("insecure-"):
    raise ImproperlyConfigured("Set a real SECRET_KEY for production.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True

# HTTPS only, behind nginx, which terminates TLS and sets X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER
# above): a request that reached nginx over plain http is redirected to https, and every https
# response carries HSTS, so a browser that came once never tries plain http again for a year
# (`manage.py check --deploy --fail-level WARNING` passes with these defaults). A path that must
# answer over plain http (a load balancer's probe) goes in SECURE_REDIRECT_EXEMPT (regexes
# matched against the path without its leading slash).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = env.list("SECURE_REDIRECT_EXEMPT", default=[])
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preloading is the domain owner's decision (it binds the parent domain, e.g. the bureau's gov.cn
# name, in every browser for months), not this application's: off unless asked for, and Django's
# reminder that it is off (security.W021) is silenced with it.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "security.W021"]
