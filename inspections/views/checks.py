"""Workbench pages of self-checks and supervision (placeholder: built next)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def check_list(request):
    return HttpResponse("checks")


@login_required
def inspection_detail(request, pk: int):
    return HttpResponse("check")


from django.urls import path  # noqa: E402

urlpatterns = [
    path("inspections/", check_list, name="check_list"),
    path("inspections/<int:pk>/", inspection_detail, name="inspection_detail"),
]
