"""Writes of the disputes app: views, admin, imports and jobs call these, never the models."""

from disputes.handlers import can_handle, handlers_for, organisations_at, registration_levels

from .cases import (
    case_accept,
    case_close_unresolved,
    case_escalate,
    case_reassign,
    case_register,
    case_resolve,
    case_set_deadline,
    case_withdraw,
    party_add,
    return_visit_record,
    session_record,
)
from .deadlines import default_deadline, set_deadline_bounds, set_deadline_check, time_limit
from .jobs import disputes_daily

__all__ = [
    "can_handle",
    "case_accept",
    "case_close_unresolved",
    "case_escalate",
    "case_reassign",
    "case_register",
    "case_resolve",
    "case_set_deadline",
    "case_withdraw",
    "default_deadline",
    "disputes_daily",
    "handlers_for",
    "organisations_at",
    "party_add",
    "registration_levels",
    "return_visit_record",
    "session_record",
    "set_deadline_bounds",
    "set_deadline_check",
    "time_limit",
]
