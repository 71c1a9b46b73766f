"""What every app's workflow services share: the refusal they raise and the permission check.

A service refuses with ``WorkflowError`` (its message is safe to show); views and admin
actions catch that one class whatever app raised it.
"""

from django.utils.translation import gettext_lazy as _

MSG_NOT_ALLOWED = _("Your role may not do this.")
MSG_REASON_REQUIRED = _("Give a reason.")


class WorkflowError(Exception):
    """A refused transition; its message is safe to show to the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def require(actor, perm: str, compound=None) -> None:
    """The actor holds the permission and (if given) may see the compound; else refuse.

    ``actor=None`` is the system (a scheduled job) and may do anything.
    """
    from communities.models import Compound

    if actor is None:
        return
    if not actor.has_perm(perm):
        raise WorkflowError(MSG_NOT_ALLOWED)
    if (
        compound is not None
        and not Compound.objects.visible_to(actor).filter(pk=compound.pk).exists()
    ):
        raise WorkflowError(MSG_NOT_ALLOWED)
