"""Workbench pages: facilities."""

urlpatterns: list = []
