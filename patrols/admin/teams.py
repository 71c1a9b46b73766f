"""Admin: teams."""
