"""Monthly supervision reports (月度督导通报) and the circular's editable template.

A report covers one scope — the district, or one street of it — and one month. Its figures are
stored as JSON when it is built and its two files (.xlsx workbook, .docx circular) are stored
with their SHA-256; once published nothing about it changes again (a regeneration is a new
version, the old one stays downloadable).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import District, Street
from communities.models.base import ScopedQuerySet

REPORT_DIR = "reports"


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    RUNNING = "running", _("being built")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")
    PUBLISHED = "published", _("published")


class MonthlyReportQuerySet(ScopedQuerySet):
    def scope_filter(self, scope) -> Q:
        """The bureau sees its district's reports (the district's and every street's); a street
        office sees its own street's and the district's once published. Nobody else has a
        report in scope (community committees and companies get nothing)."""
        streets_districts = Street.objects.filter(pk__in=scope.street_ids).values("district_id")
        return (
            Q(district_id__in=scope.district_ids)
            | Q(street_id__in=scope.street_ids)
            | Q(
                street__isnull=True,
                status=ReportStatus.PUBLISHED,
                district_id__in=streets_districts,
            )
        )

    def of_scope(self, district, street=None):
        return self.filter(district=district, street=street)


def report_path(report, filename: str) -> str:
    return f"{REPORT_DIR}/{report.district_id}/{filename}"


class MonthlyReport(models.Model):
    district = models.ForeignKey(
        District, models.PROTECT, related_name="monthly_reports", verbose_name=_("district")
    )
    street = models.ForeignKey(
        Street,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="monthly_reports",
        verbose_name=_("street"),
        help_text=_("Empty for the district's report."),
    )
    month = models.DateField(_("month"), help_text=_("The month's first day."))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReportStatus.choices,
        default=ReportStatus.PENDING,
        db_index=True,
    )
    figures = models.JSONField(_("figures"), default=dict, blank=True, editable=False)
    workbook = models.FileField(_("workbook"), upload_to=report_path, blank=True, max_length=200)
    workbook_sha256 = models.CharField(_("workbook SHA-256"), max_length=64, blank=True)
    circular = models.FileField(_("circular"), upload_to=report_path, blank=True, max_length=200)
    circular_sha256 = models.CharField(_("circular SHA-256"), max_length=64, blank=True)
    circular_template = models.ForeignKey(
        "CircularTemplate",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("circular template"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
        help_text=_("Empty when the monthly schedule requested it."),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    # The broker hand-off and the runs, as communities.ExportJob: a run a dead worker abandoned
    # is taken up again, up to a few times (reports.services).
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "district", "street", "-version"]
        permissions = [("publish_monthlyreport", _("Can publish monthly reports"))]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "month", "version"],
                condition=Q(street__isnull=True),
                name="report_one_district_version",
            ),
            models.UniqueConstraint(
                fields=["street", "month", "version"],
                condition=Q(street__isnull=False),
                name="report_one_street_version",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="report_month_is_first_day"),
        ]

    def __str__(self) -> str:
        place = self.street.name if self.street_id else self.district.name
        return f"{place} {self.month:%Y-%m} v{self.version}"

    @property
    def scope_name(self) -> str:
        return self.street.name if self.street_id else self.district.name

    @property
    def is_district(self) -> bool:
        return self.street_id is None

    @property
    def has_files(self) -> bool:
        return self.status in (ReportStatus.READY, ReportStatus.PUBLISHED)

    @property
    def in_progress(self) -> bool:
        return self.status in (ReportStatus.PENDING, ReportStatus.RUNNING)


class CircularTemplateQuerySet(ScopedQuerySet):
    def scope_filter(self, scope) -> Q:
        """A bureau reads the installation's default words and its own district's versions."""
        return Q(district__isnull=True) | Q(district_id__in=scope.district_ids)

    def in_force_for(self, district):
        """Newest first: the district's own versions, else the installation's default."""
        own = self.filter(district=district).order_by("-version")
        return own if own.exists() else self.filter(district__isnull=True).order_by("-version")


class CircularTemplate(models.Model):
    """The circular's words, with ``{placeholders}`` filled from the report's figures. Never
    changed in place: saving an edit adds a new version, and each report names the version it
    was written with. A district's newest version is in force for its reports; a district
    without its own uses the installation's default (no district)."""

    district = models.ForeignKey(
        District,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="circular_templates",
        verbose_name=_("district"),
        help_text=_("Empty: the default words of every district without its own."),
    )
    version = models.PositiveIntegerField(_("version"), unique=True)
    issuer = models.CharField(_("issuing office"), max_length=120)
    title = models.CharField(_("title"), max_length=200)
    number = models.CharField(
        _("document number"),
        max_length=80,
        help_text=_("The circular's number, e.g. {district}建安通〔{year}〕{month}号."),
    )
    body = models.TextField(
        _("body"),
        help_text=_("Paragraphs separated by an empty line. Placeholders in braces."),
    )
    ranking_heading = models.CharField(_("heading of the ranking"), max_length=120)
    key_management_heading = models.CharField(
        _("heading of the key-management list"), max_length=120
    )
    praise_heading = models.CharField(_("heading of the praised compounds"), max_length=120)
    closing = models.TextField(_("closing paragraphs"), blank=True)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    objects = CircularTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("circular template")
        verbose_name_plural = _("circular templates")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version} {self.title}"

    TEXT_FIELDS = (
        "issuer",
        "title",
        "number",
        "body",
        "ranking_heading",
        "key_management_heading",
        "praise_heading",
        "closing",
    )
