"""The 三有/六好 standard as data: template → sections → items, versioned."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from communities.models.base import TimeStamped

MSG_THRESHOLDS = _("The 基本达标 threshold cannot be above the 达标 threshold.")
PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]

# A number item's answer is a count in one compound for one month (LH-3d: serious cases): a
# whole number from 0 to ANSWER_COUNT_MAX. A negative or absurd count (-3, 10⁸) is refused by
# the answer form, the service, full_clean and a database constraint.
ANSWER_COUNT_MAX = 100_000
MSG_COUNT_RANGE = _("Give a whole number from 0 to %(max)s.")


def validate_count(value) -> None:
    """A count: finite, whole, from 0 to ``ANSWER_COUNT_MAX``."""
    if value is None:
        return
    number = Decimal(value)
    if not (
        number.is_finite()
        and 0 <= number <= ANSWER_COUNT_MAX
        and number == number.to_integral_value()
    ):
        raise ValidationError(MSG_COUNT_RANGE, code="count_range", params={"max": ANSWER_COUNT_MAX})


class TemplateStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    RETIRED = "retired", _("retired")


class AnswerType(models.TextChoices):
    YES_NO = "yes_no", _("yes / no / not applicable")
    SCORE = "score", _("score")
    NUMBER = "number", _("number")
    TEXT = "text", _("text")


class ChecklistTemplateQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=TemplateStatus.PUBLISHED)

    def current(self):
        """The published version checks are opened with (the newest published)."""
        return self.published().order_by("-version").first()


class ChecklistTemplate(TimeStamped):
    """One version of a checklist. A version that has been used is never changed in place:
    ``template_new_version`` copies it into a new draft."""

    not_personal_data = {"name": "the name of a checklist"}

    name = models.CharField(_("name"), max_length=100)
    version = models.PositiveIntegerField(_("version"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TemplateStatus.choices, default=TemplateStatus.DRAFT
    )
    pass_threshold = models.DecimalField(
        _("达标 threshold (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("85"),
        validators=PERCENT,
    )
    basic_threshold = models.DecimalField(
        _("基本达标 threshold (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("70"),
        validators=PERCENT,
    )
    item_pass_ratio = models.DecimalField(
        _("share of its points a scored item needs to pass (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("60"),
        validators=PERCENT,
    )
    copied_from = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, verbose_name=_("copied from")
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = ChecklistTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def clean(self) -> None:
        if (
            self.basic_threshold is not None
            and self.pass_threshold is not None
            and self.basic_threshold > self.pass_threshold
        ):
            raise ValidationError({"basic_threshold": MSG_THRESHOLDS})

    @property
    def is_used(self) -> bool:
        return self.inspections.exists()


class ChecklistSection(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, models.CASCADE, related_name="sections", verbose_name=_("template")
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("checklist section")
        verbose_name_plural = _("checklist sections")
        ordering = ["template", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="section_code_unique")
        ]

    def __str__(self) -> str:
        return self.title


class ChecklistItem(models.Model):
    section = models.ForeignKey(
        ChecklistSection, models.CASCADE, related_name="items", verbose_name=_("section")
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("item"), max_length=100)
    text = models.TextField(_("what is checked"))
    guidance = models.TextField(_("guidance"), blank=True)
    answer_type = models.CharField(_("answer type"), max_length=10, choices=AnswerType.choices)
    points = models.DecimalField(
        _("points"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    evidence_required = models.BooleanField(
        _("evidence required"),
        default=False,
        help_text=_("A photo or file is required when the answer is yes (or scored)."),
    )
    critical = models.BooleanField(
        _("critical"), default=False, help_text=_("Failing it makes the result 不达标.")
    )
    fail_above = models.DecimalField(
        _("fails above"),
        max_digits=9,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("For number items: a number above this fails the item."),
        validators=[validate_count],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["section__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["section", "code"], name="item_code_unique"),
            models.CheckConstraint(
                condition=models.Q(points__gte=0), name="item_points_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"
