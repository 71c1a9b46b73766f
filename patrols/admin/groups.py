"""Admin: groups."""
