"""In-app notifications (the bell); every app sends them through ``communities.notifications``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        """A user's own notifications: nobody reads anyone else's."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    # What is shown: a registered text (communities.notifications.NOTICE_TEXTS) and its
    # parameters, translated when read, so each reader sees it in their own language.
    text = models.CharField(_("text"), max_length=60, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # The text as sent (the e-mail's words); shown for a notice whose text is not registered.
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # What the notification is about, so a job that runs twice does not notify twice.
    dedup_key = models.CharField(max_length=200, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedup_key"],
                condition=~models.Q(dedup_key=""),
                name="notification_once_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"

    @property
    def display_text(self) -> str:
        """The notice in the active language."""
        from communities.notifications import notice_text

        return notice_text(self.text, self.params) or self.message
