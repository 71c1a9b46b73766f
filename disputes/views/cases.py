"""Workbench pages of dispute cases (the list, the case page and its actions)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, render
from django.urls import path

from disputes.models import DisputeCase


@login_required
@permission_required("disputes.view_disputecase", raise_exception=True)
def case_detail(request, pk: int):
    case = get_object_or_404(DisputeCase.objects.visible_to(request.user), pk=pk)
    return render(request, "disputes/case_detail.html", {"case": case})


urlpatterns = [
    path("disputes/<int:pk>/", case_detail, name="case_detail"),
]
