"""The inspections app in the admin.

- Checklist templates belong to no compound: every user with the view permission reads every
  version. A version can be edited (with its sections and items) only while it is a draft that
  no inspection uses; new versions and publishing go through the services, as admin actions.
- Inspections, answers, evidence, hazards and their timelines are read-only here and scoped like
  the register (``ScopedAdminMixin``: a row outside the user's scope is a 404). Every state
  change is a service, called from the workbench; inspections and hazards export to .xlsx/CSV.
- Key management: the list, and putting a compound on or taking it off by hand with a reason,
  through the services.
"""

from . import hazards, records, templates  # noqa: F401  (registers the admin classes)
from .common import MonthFilter
from .templates import MSG_NEW_VERSION, MSG_PUBLISH_ONE

__all__ = [
    "MSG_NEW_VERSION",
    "MSG_PUBLISH_ONE",
    "MonthFilter",
]
