"""Workbench pages: teams."""

urlpatterns: list = []
