"""Placeholder: filled in by the workbench work."""

urlpatterns = []
