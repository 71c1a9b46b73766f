"""Hazards (隐患) and their rectification (整改)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.models import Compound
from communities.models.base import CompoundScopedQuerySet, TimelineEvent, TimeStamped
from communities.uploads import dated_upload_name

from .inspections import Answer, Inspection


class HazardSource(models.TextChoices):
    SELF_CHECK = "self_check", _("self-check")
    SUPERVISION = "supervision", _("supervision inspection")
    PATROL = "patrol", _("patrol")
    OTHER = "other", _("other")


class HazardCategory(models.TextChoices):
    FIRE = "fire", _("fire safety")
    PUBLIC_ORDER = "public_order", _("public order")
    BUILDING = "building", pgettext_lazy("hazard category", "building")
    ELECTRICAL = "electrical", _("electrical")
    TRAFFIC = "traffic", _("traffic and parking")
    OTHER = "other", _("other")


class Severity(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")
    MAJOR = "major", _("major")


class HazardStatus(models.TextChoices):
    OPEN = "open", _("open")
    RECTIFYING = "rectifying", _("rectifying")
    RECTIFIED = "rectified", _("rectified, awaiting verification")
    VERIFIED = "verified", _("verified")


OPEN_STATUSES = (HazardStatus.OPEN, HazardStatus.RECTIFYING, HazardStatus.RECTIFIED)
# Still the company's to do (a rectified hazard waits on the verifier, not the company).
TO_RECTIFY = (HazardStatus.OPEN, HazardStatus.RECTIFYING)
#: The workbench list's order: the hazards not yet verified first, then by deadline. One index
#: holds it (``Hazard.Meta``), so a page of a province's hazards is read from it, not sorted.
IS_DONE = models.Case(
    models.When(status=HazardStatus.VERIFIED, then=models.Value(1)),
    default=models.Value(0),
    output_field=models.IntegerField(),
)
LIST_ORDER = (IS_DONE.asc(), models.F("deadline").asc(), models.F("id").asc())


def overdue_q(today) -> Q:
    """Overdue: past the deadline and not yet rectified (the one definition)."""
    return Q(status__in=TO_RECTIFY, deadline__lt=today)


class HazardQuerySet(CompoundScopedQuerySet):
    compound_path = "compound"

    def unverified(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today=None):
        return self.filter(overdue_q(today or timezone.localdate()))


def hazard_photo_path(instance, filename: str) -> str:
    return dated_upload_name("inspections/hazards", filename)


class Hazard(TimeStamped):
    compound = models.ForeignKey(
        Compound, models.PROTECT, related_name="hazards", verbose_name=_("compound")
    )
    source = models.CharField(_("source"), max_length=12, choices=HazardSource.choices)
    inspection = models.ForeignKey(
        Inspection,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="hazards",
        verbose_name=_("inspection"),
    )
    answer = models.ForeignKey(
        Answer,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="hazards",
        verbose_name=_("failed item"),
    )
    # Where a hazard raised by another app came from (a patrol log's page), so the hazard page
    # links back to it without this app importing that one.
    source_url = models.CharField(_("raised from"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=15, choices=HazardCategory.choices)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    description = models.TextField(_("description"))
    photo = models.ImageField(_("photo"), upload_to=hazard_photo_path, blank=True)
    responsible_party = models.CharField(_("responsible party"), max_length=100)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=HazardStatus.choices, default=HazardStatus.OPEN
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raised by"),
    )
    rectification_note = models.TextField(_("rectification"), blank=True)
    after_photo = models.ImageField(
        _("photo after rectification"), upload_to=hazard_photo_path, blank=True
    )
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rectified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["status", "deadline"]
        permissions = [
            ("export_hazard", _("Can export hazards")),
            ("rectify_hazard", _("Can rectify hazards")),
            ("verify_hazard", _("Can verify rectifications")),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(*LIST_ORDER, name="hazard_list_order"),
        ]

    def __str__(self) -> str:
        return f"{self.compound_id and self.compound} · {self.get_category_display()}"

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status in TO_RECTIFY and self.deadline < today


class HazardEventQuerySet(CompoundScopedQuerySet):
    compound_path = "hazard__compound"


class HazardAction(models.TextChoices):
    """What was done to a hazard (its timeline)."""

    RAISE = "raise", _("raised")
    START = "start", _("rectification started")
    RECTIFY = "rectify", _("reported rectified")
    VERIFY = "verify", _("rectification verified")
    REJECT = "reject", _("rectification rejected")


class HazardEvent(TimelineEvent):
    action = models.CharField(_("action"), max_length=20, choices=HazardAction.choices)
    statuses = HazardStatus
    hazard = models.ForeignKey(
        Hazard, models.CASCADE, related_name="events", verbose_name=_("hazard")
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)

    objects = HazardEventQuerySet.as_manager()

    class Meta(TimelineEvent.Meta):
        verbose_name = _("hazard event")
        verbose_name_plural = _("hazard events")
        # the admin's log, newest step first: read backwards, not sorted (issue 14)
        indexes = [models.Index(fields=["at", "id"], name="inspections_hazardevent_at")]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.label}"


class KeyManagementQuerySet(CompoundScopedQuerySet):
    compound_path = "compound"

    def active(self):
        return self.filter(ended_on__isnull=True)


class KeyManagement(TimeStamped):
    """A spell under key management (重点管理): entered and left by rule or by hand, with why."""

    compound = models.ForeignKey(
        Compound, models.PROTECT, related_name="key_management", verbose_name=_("compound")
    )
    started_on = models.DateField(_("entered on"))
    start_reason = models.TextField(_("reason for entering"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("put on by"),
        help_text=_("Empty when the rule put it on."),
    )
    ended_on = models.DateField(_("left on"), null=True, blank=True)
    end_reason = models.TextField(_("reason for leaving"), blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken off by"),
    )

    objects = KeyManagementQuerySet.as_manager()

    class Meta:
        verbose_name = _("key management")
        verbose_name_plural = _("key management")
        ordering = ["-started_on"]
        permissions = [("manage_keymanagement", _("Can put compounds on or off key management"))]
        constraints = [
            models.UniqueConstraint(
                fields=["compound"],
                condition=Q(ended_on__isnull=True),
                name="one_active_key_management_per_compound",
            )
        ]

    def __str__(self) -> str:
        return f"{self.compound_id and self.compound} {self.started_on}"
