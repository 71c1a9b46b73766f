"""Export jobs: one row per spreadsheet a user asked for (who, what, filter, progress, file).

The file is private: it lives under ``MEDIA_ROOT/exports/`` and is only ever served by the
owner's download view (``communities.exports.views``), never by a media URL.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

EXPORT_DIR = "exports"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ExportJobQuerySet(models.QuerySet):
    def owned_by(self, user):
        """A user's own jobs: nobody sees anyone else's, whatever their role."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


def export_path(job, filename: str) -> str:
    return f"{EXPORT_DIR}/{job.user_id}/{filename}"


class ExportJob(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("user"),
    )
    exporter = models.CharField(_("export"), max_length=60)
    params = models.JSONField(_("filter"), default=dict, blank=True)
    file_format = models.CharField(_("format"), max_length=10, default="xlsx")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExportStatus.choices,
        default=ExportStatus.PENDING,
        db_index=True,
    )
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows to write"), default=0)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=export_path, blank=True, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # When the task was last handed to the broker, and how many runs have started: a run a
    # dead worker abandoned is taken up again, up to a few times (communities.exports.services).
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.exporter} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)
