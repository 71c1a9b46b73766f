"""Checks every service makes: the actor's permission and scope (and the month helpers)."""

from communities.workflow import require
from inspections.periods import month_start, previous_month

__all__ = ["month_start", "previous_month", "require"]
