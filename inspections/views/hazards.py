"""Workbench pages of hazards (placeholder: built next)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def hazard_list(request):
    return HttpResponse("hazards")


@login_required
def hazard_detail(request, pk: int):
    return HttpResponse("hazard")


from django.urls import path  # noqa: E402

urlpatterns = [
    path("hazards/", hazard_list, name="hazard_list"),
    path("hazards/<int:pk>/", hazard_detail, name="hazard_detail"),
]
