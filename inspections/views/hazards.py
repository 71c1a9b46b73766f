"""Workbench pages of hazards (placeholder: built next)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def hazard_list(request):
    return HttpResponse("hazards")


@login_required
def hazard_detail(request, pk: int):
    return HttpResponse("hazard")
