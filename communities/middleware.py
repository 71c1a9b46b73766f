"""Pages shown to a logged-in person hold their organisation's data (and, for some roles,
personal data in full): no browser or proxy cache keeps them. A response that sets its own
Cache-Control (a static file, an export) keeps it."""

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
