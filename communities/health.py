"""Health endpoints for a load balancer and monitoring.

``live``: the process answers (no database, no session): the "bare view" that ``manage.py
bench`` measures every page against, through the same middleware.
"""

from django.http import HttpResponse
from django.views.decorators.http import require_safe


@require_safe  # GET and HEAD: a load balancer may ask either
def live(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
