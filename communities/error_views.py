"""The site's server-error handler (``handler500``): a database that does not answer (being
restarted, failed over, out of connections) is a 503 saying so, with ``Retry-After``; any other
fault is Django's 500 with the site's page. Neither reads the database or the user: the fault
may be the database itself. With ATOMIC_REQUESTS a request that failed wrote nothing."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

RETRY_AFTER_SECONDS = 10


def server_error(request):
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        page = loader.get_template("503.html").render()
        response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)
