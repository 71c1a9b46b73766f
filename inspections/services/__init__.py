"""Writes of the inspections app: one function per action, each in one transaction."""

from .checks import (
    answer_save,
    evidence_add,
    evidence_remove,
    inspection_approve,
    inspection_open,
    inspection_reopen,
    inspection_rescore,
    inspection_return,
    inspection_submit,
    inspection_submit_precheck,
    self_checks_open_month,
    supervision_open,
)
from .hazards import (
    hazard_raise,
    hazard_rectify,
    hazard_reject,
    hazard_start,
    hazard_verify,
)
from .key_management import key_management_apply_rule, key_management_enter, key_management_leave
from .templates import template_new_version, template_publish

__all__ = [
    "answer_save",
    "evidence_add",
    "evidence_remove",
    "hazard_raise",
    "hazard_rectify",
    "hazard_reject",
    "hazard_start",
    "hazard_verify",
    "inspection_approve",
    "inspection_open",
    "inspection_reopen",
    "inspection_rescore",
    "inspection_return",
    "inspection_submit",
    "inspection_submit_precheck",
    "key_management_apply_rule",
    "key_management_enter",
    "key_management_leave",
    "self_checks_open_month",
    "supervision_open",
    "template_new_version",
    "template_publish",
]
