"""Admin: facilities."""
