"""Pages shown to a logged-in person hold their organisation's data (and, for some roles,
personal data in full): no browser or proxy cache keeps them. A response that sets its own
Cache-Control (a static file, an export) keeps it."""

import threading

from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


class EmbeddedOneAtATimeMiddleware:
    """On the embedded SQLite database requests already run one at a time (each takes the
    write lock when it begins), but they queue by SQLite's busy handler, which polls every
    100 ms: under steady load a request that waits can keep missing the moment the lock is
    free, and a login failed with "database is locked" after the 20 s timeout while newer
    requests went by. Here the process's requests queue on one lock instead, woken as soon as
    it is free. Only in the settings of a SQLite database; PostgreSQL runs requests at once."""

    _lock = threading.Lock()

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with self._lock:
            return self.get_response(request)
