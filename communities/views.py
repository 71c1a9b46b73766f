"""Workbench pages of the register (placeholder; built by the workbench work)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def home(request):
    return HttpResponse("SafeCompound")
