"""The disputes app in the admin (bureau and street staff's tool).

- ``holidays``: the national holiday table deadlines count with, and the warning when a year
  is missing from it.
- ``cases``: dispute cases, scoped (``ScopedAdminMixin``: a case outside the user's area is a
  404) and read-only with their parties (masked), sessions, return visits and timeline; every
  change goes through the services from the workbench. The list exports to .xlsx with the
  figures, and a street's screening ledger (排查台账) is imported here (``ledger``).
"""

from . import cases, holidays  # noqa: F401  (registers the admin classes)
from .holidays import MSG_UNKNOWN_YEARS
from .ledger import MSG_IMPORTED

__all__ = ["MSG_IMPORTED", "MSG_UNKNOWN_YEARS"]
