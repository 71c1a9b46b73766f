"""The client's address, the same for lockout (django-axes) and for whoever records requests.

``TRUSTED_PROXY_COUNT`` says how many reverse proxies stand in front of the application (nginx
alone: 1). With 0 (the default, and `make run`) the address is ``REMOTE_ADDR`` and any
``X-Forwarded-For`` a client sends is ignored: otherwise anyone could pick their address and
dodge the lockout. With N, each proxy appends the address it saw to ``X-Forwarded-For``
(nginx: ``$proxy_add_x_forwarded_for``), so the client is the N-th entry from the right; what
a client wrote to the left of it is ignored.
"""

import ipaddress

from django.conf import settings


def _valid(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request) -> str | None:
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)  # read from the environment in base.py
    if proxies <= 0:
        return remote
    chain = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part]
    if len(chain) < proxies:
        return remote  # not through the expected proxies: only the peer is known
    return _valid(chain[-proxies]) or remote
