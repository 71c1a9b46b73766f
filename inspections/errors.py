"""Error texts of the inspection workflow (tests reuse them)."""

from django.utils.translation import gettext_lazy as _

from communities.workflow import (  # noqa: F401  (re-exported: the workflow's shared parts)
    MSG_NOT_ALLOWED,
    MSG_REASON_REQUIRED,
    WorkflowError,
)

MSG_WRONG_STATE = _("This cannot be done while the inspection is “{status}”.")
MSG_LOCKED = _("This inspection is locked; it can no longer be changed.")
MSG_OWN_REVIEW = _("You cannot review an inspection you submitted yourself.")
MSG_OWN_VERIFY = _("You cannot verify a rectification you made yourself.")
MSG_MISSING = _("Answer every item before submitting; missing: {items}.")
MSG_EVIDENCE_MISSING = _("Evidence is required for: {items}.")
MSG_ALREADY_OPEN = _("This compound already has a self-check for {period}.")
MSG_NO_TEMPLATE = _("No published checklist template.")
MSG_NO_COMPANY = _("This compound has no property company to do a self-check.")
MSG_RETURN_NEEDS_COMMENT = _("Say, for at least one item, what needs to change.")
MSG_HAZARD_WRONG_STATE = _("This cannot be done while the hazard is “{status}”.")
MSG_DEADLINE_PAST = _("The new deadline must be after today.")
MSG_DEADLINE_BEFORE_TODAY = _("The deadline cannot be in the past.")
MSG_RECTIFY_NEEDS_NOTE = _("Explain what was done.")
MSG_SCORE_RANGE = _("A score must be between 0 and {points}.")
MSG_TEMPLATE_IN_USE = _("This version has been used and cannot be changed; make a new version.")
MSG_PUBLISH_DRAFT_ONLY = _("Only a draft version can be published.")
MSG_PUBLISH_EMPTY = _("A version without items cannot be published.")
MSG_ALREADY_KEY = _("This compound is already under key management.")
MSG_NOT_KEY = _("This compound is not under key management.")


class SubmissionBlocked(WorkflowError):
    """A refused submission that names what stops it: ``unanswered`` and ``missing_evidence``
    are the answers (with their items) concerned, so a page can link to each item."""

    def __init__(self, message, *, unanswered=(), missing_evidence=()):
        super().__init__(message)
        self.unanswered = list(unanswered)
        self.missing_evidence = list(missing_evidence)
