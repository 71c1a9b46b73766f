"""Inspections: monthly self-checks by property companies and supervision by streets/bureaus."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import Compound, Organisation
from communities.models.base import CompoundScopedQuerySet, TimelineEvent, TimeStamped
from communities.uploads import dated_upload_name

from .templates import ANSWER_COUNT_MAX, ChecklistItem, ChecklistTemplate, validate_count


class InspectionKind(models.TextChoices):
    SELF_CHECK = "self_check", _("self-check")
    SUPERVISION = "supervision", _("supervision inspection")


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned")
    APPROVED = "approved", _("approved")


class Result(models.TextChoices):
    PASS = "pass", _("达标")
    BASIC = "basic", _("基本达标")
    FAIL = "fail", _("不达标")


class InspectionQuerySet(CompoundScopedQuerySet):
    compound_path = "compound"

    def self_checks(self):
        return self.filter(kind=InspectionKind.SELF_CHECK)

    def supervisions(self):
        return self.filter(kind=InspectionKind.SUPERVISION)

    def for_period(self, period):
        return self.filter(period=period)


class Inspection(TimeStamped):
    compound = models.ForeignKey(
        Compound, models.PROTECT, related_name="inspections", verbose_name=_("compound")
    )
    template = models.ForeignKey(
        ChecklistTemplate,
        models.PROTECT,
        related_name="inspections",
        verbose_name=_("checklist version"),
    )
    period = models.DateField(_("month"), help_text=_("The first day of the month checked."))
    kind = models.CharField(_("kind"), max_length=12, choices=InspectionKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InspectionStatus.choices,
        default=InspectionStatus.DRAFT,
    )
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("done by"),
        help_text=_("The property company (self-check) or the inspecting street office/bureau."),
    )
    score = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    result = models.CharField(
        _("result"), max_length=10, choices=Result.choices, blank=True, default=""
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    summary = models.TextField(_("summary"), blank=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-period", "compound__code"]
        permissions = [
            ("export_inspection", _("Can export inspections")),
            ("review_inspection", _("Can review (approve or return) self-checks")),
            ("supervise_inspection", _("Can carry out supervision inspections")),
            ("reopen_inspection", _("Can reopen an approved inspection")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "period"],
                condition=Q(kind="self_check"),
                name="one_self_check_per_compound_and_month",
            ),
            models.CheckConstraint(
                condition=Q(period__day=1), name="inspection_period_is_first_of_month"
            ),
        ]
        # the admin's order (newest month first): a page of a province's checks without
        # sorting them all by their compound's code
        indexes = [models.Index(fields=["period", "id"], name="inspections_inspection_period")]

    def __str__(self) -> str:
        return f"{self.compound_id and self.compound} {self.period:%Y-%m} {self.get_kind_display()}"

    @property
    def is_locked(self) -> bool:
        return self.status in (InspectionStatus.SUBMITTED, InspectionStatus.APPROVED)


class AnswerQuerySet(CompoundScopedQuerySet):
    compound_path = "inspection__compound"


class Answer(models.Model):
    inspection = models.ForeignKey(
        Inspection, models.CASCADE, related_name="answers", verbose_name=_("inspection")
    )
    item = models.ForeignKey(
        ChecklistItem, models.PROTECT, related_name="answers", verbose_name=_("item")
    )
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    value_bool = models.BooleanField(_("yes / no"), null=True, blank=True)
    value_score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    value_number = models.DecimalField(
        _("number"),
        max_digits=9,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[validate_count],
    )
    value_text = models.TextField(_("text"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    review_comment = models.TextField(
        _("reviewer's comment"), blank=True, help_text=_("Why the item was returned.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["inspection", "item__section__order", "item__order"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="one_answer_per_item"),
            models.CheckConstraint(
                condition=Q(value_number__isnull=True)
                | Q(value_number__gte=0, value_number__lte=ANSWER_COUNT_MAX),
                name="answer_number_is_a_count",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id} · {self.item_id and self.item.code}"

    @property
    def is_answered(self) -> bool:
        from inspections.scoring import answer_is_given

        return answer_is_given(self)


def evidence_path(instance, filename: str) -> str:
    period = instance.answer.inspection.period
    return dated_upload_name("inspections/evidence", filename, period)


class EvidenceQuerySet(CompoundScopedQuerySet):
    compound_path = "answer__inspection__compound"


class Evidence(models.Model):
    not_personal_data = {"original_name": "the name of an uploaded file (shown, never a path)"}

    answer = models.ForeignKey(
        Answer, models.CASCADE, related_name="evidence", verbose_name=_("answer")
    )
    file = models.FileField(_("file"), upload_to=evidence_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=evidence_path, blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at"]
        # the admin's order (newest first): a page of a province's 730,000 photos without
        # sorting them all
        indexes = [models.Index(fields=["uploaded_at", "id"], name="inspections_evidence_uploaded")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class InspectionEventQuerySet(CompoundScopedQuerySet):
    compound_path = "inspection__compound"


class InspectionAction(models.TextChoices):
    """What was done to an inspection (its timeline)."""

    OPEN = "open", _("Opened")
    SUBMIT = "submit", _("Submitted")
    APPROVE = "approve", _("Approved")
    RETURN = "return", _("Returned")
    REOPEN = "reopen", _("Reopened")


class InspectionEvent(TimelineEvent):
    """The inspection's timeline: every state change, with who, when and why."""

    action = models.CharField(_("action"), max_length=20, choices=InspectionAction.choices)
    statuses = InspectionStatus

    inspection = models.ForeignKey(
        Inspection, models.CASCADE, related_name="events", verbose_name=_("inspection")
    )

    objects = InspectionEventQuerySet.as_manager()

    class Meta(TimelineEvent.Meta):
        verbose_name = _("inspection event")
        verbose_name_plural = _("inspection events")
        # the admin's log, newest step first: read backwards, not sorted (issue 14)
        indexes = [models.Index(fields=["at", "id"], name="inspections_inspectionevent_at")]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.label}"
