"""Every request gets an id (X-Request-ID in, or a new one; sent back in the response) that
each audit entry written while it runs carries; django-auditlog's own entries learn the user
and the client address, taken the way ``client_address`` takes it (never a header the client
chose, unless a trusted proxy set it)."""

from auditlog.middleware import AuditlogMiddleware

from . import client_address, new_request_id, reset_request_id, set_request_id, write_refused

REQUEST_ID_HEADER = "X-Request-ID"


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = new_request_id(request.headers.get(REQUEST_ID_HEADER))
        token = set_request_id(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


class AuditMiddleware(AuditlogMiddleware):
    def __call__(self, request):
        response = super().__call__(request)
        if getattr(request, "audit_refused", None) is not None and response.status_code == 404:
            write_refused(request, response)  # after the view's (rolled back) transaction
        for refusal in getattr(request, "audit_refused_more", ()):
            write_refused(request, response, refusal)
        return response

    @staticmethod
    def _get_remote_addr(request):
        return client_address(request)

    @staticmethod
    def _get_remote_port(request):
        return None
