"""Workbench pages: groups."""

urlpatterns: list = []
