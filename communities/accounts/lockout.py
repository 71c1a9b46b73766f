"""The page shown while a login is locked out (django-axes' ``AXES_LOCKOUT_CALLABLE``).

The same page whether the login name exists or not, and whether the name or the address is
locked: it tells nothing about accounts.
"""

from django.conf import settings
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": settings.LOGIN_LOCKOUT_MINUTES, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
