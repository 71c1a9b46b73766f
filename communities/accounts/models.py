from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PasswordHistory(models.Model):
    """One row per password a user has had (its hash only), newest first.

    The newest row says when the current password was set and whether the user must change
    it before doing anything else (``must_change``: it was set by someone else, an
    administrator creating or resetting the account). Rows beyond the policy's history
    length are deleted as new ones arrive.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="password_history",
        verbose_name=_("user"),
    )
    password = models.CharField(_("password hash"), max_length=128)
    changed_at = models.DateTimeField(_("set at"), default=timezone.now)
    must_change = models.BooleanField(
        _("must be changed at next login"),
        default=False,
        help_text=_("Set by an administrator: the user chooses their own at their next login."),
    )

    class Meta:
        verbose_name = _("password history entry")
        verbose_name_plural = _("password history")
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["user", "-changed_at"], name="accounts_pwhist_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.changed_at:%Y-%m-%d %H:%M}"
