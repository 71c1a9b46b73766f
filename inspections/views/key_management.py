"""Workbench pages of key management (placeholder: built next)."""

urlpatterns: list = []
