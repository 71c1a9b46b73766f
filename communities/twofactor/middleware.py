"""Not logged in until the second step: a user who passed the password step but not the code
step reaches only the code and enrolment pages, logging out, the login pages, the language
switch and the guide — in the workbench and in the admin alike.

What the user still owes is decided at login (``remember_step_at_login``) and kept in the
session, so an ordinary request costs no query: "verify" (a device is enrolled: type a code),
"setup" (must enrol and has not), "" (nothing) or "verified" (done; should the session lose its
verification because the device was removed, what is owed is read again). django-otp's
``OTPMiddleware`` (installed just before this one) tells whether the session is verified; the
code and enrolment views check the database again before they act.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .policy import required_for, two_factor_required
from .services import has_device

SESSION_KEY = "twofactor_step"
VERIFY, SETUP, VERIFIED = "verify", "setup", "verified"
# Where a user owing a code may still go (URL names, "namespace:name").
OPEN_PAGES = frozenset(
    {
        "twofactor:verify",
        "twofactor:setup",
        "login",
        "logout",
        "set_language",
        "admin:login",
        "admin:logout",
        "communities:guide",
        "communities:guide_page",
    }
)


def step_for(user) -> str:
    """What the user owes after the password step (reads the database)."""
    if not user.is_authenticated:
        return ""
    if has_device(user):
        return VERIFY
    return SETUP if two_factor_required(user) else ""


def is_verified(user) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def remember_step_at_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: note in the new session what the user still owes."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_KEY] = step_for(user)


def step_done(request, verified: bool = False) -> None:
    request.session[SESSION_KEY] = VERIFIED if verified else ""


def page_for(step: str, request) -> str:
    url = reverse(f"twofactor:{step}")
    nxt = request.get_full_path() if request.method == "GET" else ""
    return f"{url}?{urlencode({'next': nxt})}" if nxt else url


class TwoFactorMiddleware:
    def __init__(self, get_response):
        required_for()  # a mistyped TWO_FACTOR_REQUIRED_FOR stops the start, not a request
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or is_verified(user):
            return None
        session = request.session
        step = session.get(SESSION_KEY)
        # No note: a session from before two-factor login existed. Verified once but no longer:
        # the device was removed (an administrator's reset) — ask again what is owed.
        if step is None or step == VERIFIED:
            step = session[SESSION_KEY] = step_for(user)
        if not step or request.resolver_match.view_name in OPEN_PAGES:
            return None
        url = page_for(step, request)
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)


def next_url(request) -> str:
    """Where to go once the step is done: ``next`` if it is this site's, else the home page."""
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return resolve_url(settings.LOGIN_REDIRECT_URL)
