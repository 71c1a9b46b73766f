"""Demo data of patrol teams (filled in below)."""
