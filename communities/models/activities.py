"""Campaign activities (普法, 法律进社区, 消防演练 …) held in a compound or a whole community.

An activity belongs to exactly one place: a compound, or a community (for an activity of the
community committee that is not tied to one compound). It is visible where its place is: a
compound's through the compound (like every compound record), a community's to the community's
district, street and community, and to the property companies running a compound in it today.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.uploads import dated_upload_name

from .base import ScopedQuerySet, TimeStamped
from .compounds import Compound
from .organisations import Organisation
from .regions import Community

# A count of people, not a free number: the biggest square dance of a district stays below it.
PARTICIPANTS_MAX = 100_000
EARLIEST_DATE = datetime.date(2000, 1, 1)

MSG_ONE_PLACE = _("Choose either a compound or a community, not both.")
MSG_DATE_FUTURE = _(
    "An activity is recorded after it took place: the date cannot be in the future."
)
MSG_DATE_EARLY = _("The date cannot be before 2000-01-01.")


class ActivityKind(models.TextChoices):
    LEGAL_EDUCATION = "legal_education", _("legal education")
    LAW_INTO_COMMUNITY = "law_into_community", _("law into the community")
    LAW_INTO_HOMES = "law_into_homes", _("law into homes")
    SAFETY_PUBLICITY = "safety_publicity", _("safety publicity")
    FIRE_DRILL = "fire_drill", _("fire drill")
    SAFE_FAMILY = "safe_family", _("safe family selection")
    RESIDENTS_MEETING = "residents_meeting", _("residents' meeting")


# The one definition of "legal education" (法制教育): the kinds that count as evidence for the
# self-check's 法制教育好 item and in the figure "of which legal education".
LEGAL_EDUCATION_KINDS = frozenset(
    {
        ActivityKind.LEGAL_EDUCATION,
        ActivityKind.LAW_INTO_COMMUNITY,
        ActivityKind.LAW_INTO_HOMES,
    }
)


def activity_scope_q(scope, prefix: str = "") -> Q:
    """The scoping rule for activities (``prefix`` reaches the activity from another model):
    a compound's activity where its compound is visible, a community's where the community
    lies in the user's area or holds a compound the user's company runs today."""
    p = prefix
    managed = scope.managed_compounds()
    return (
        Q(**{f"{p}compound__community__street__district_id__in": scope.district_ids})
        | Q(**{f"{p}compound__community__street_id__in": scope.street_ids})
        | Q(**{f"{p}compound__community_id__in": scope.community_ids})
        | Q(**{f"{p}compound_id__in": managed.values("pk")})
        | Q(**{f"{p}community__street__district_id__in": scope.district_ids})
        | Q(**{f"{p}community__street_id__in": scope.street_ids})
        | Q(**{f"{p}community_id__in": scope.community_ids})
        | Q(**{f"{p}community_id__in": managed.values("community_id")})
    )


class ActivityQuerySet(ScopedQuerySet):
    def scope_filter(self, scope) -> Q:
        return activity_scope_q(scope)

    def legal_education(self):
        return self.filter(kind__in=LEGAL_EDUCATION_KINDS)

    def in_month(self, month: datetime.date):
        """Activities dated in the month that ``month`` falls in."""
        first = month.replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        return self.filter(date__gte=first, date__lt=following)


class Activity(TimeStamped):
    not_personal_data = {
        "organiser": "the organising unit (a committee, a company, a police station), not a person"
    }

    compound = models.ForeignKey(
        Compound,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("compound"),
    )
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("community"),
        help_text=_("For an activity of the whole community, not of one compound."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=100)
    participants = models.PositiveIntegerField(
        _("participants"),
        validators=[MinValueValidator(0), MaxValueValidator(PARTICIPANTS_MAX)],
        help_text=_("How many people took part."),
    )
    organiser = models.CharField(
        _("organiser"),
        max_length=100,
        help_text=_("The organising unit, e.g. 稻香社区居委会 or 城关派出所."),
    )
    organisation = models.ForeignKey(
        Organisation,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("recorded for"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-date", "-pk"]
        permissions = [("export_activity", _("Can export activities"))]
        constraints = [
            models.CheckConstraint(
                condition=(Q(compound__isnull=False) & Q(community__isnull=True))
                | (Q(compound__isnull=True) & Q(community__isnull=False)),
                name="activity_in_one_place",
            ),
            models.CheckConstraint(
                condition=Q(participants__lte=PARTICIPANTS_MAX),
                name="activity_participants_bounded",
            ),
        ]
        indexes = [models.Index(fields=["date"], name="activity_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}" if self.date else self.title

    def clean(self) -> None:
        super().clean()
        if (self.compound_id is None) == (self.community_id is None):
            raise ValidationError(MSG_ONE_PLACE)
        if self.date:
            if self.date > timezone.localdate():
                raise ValidationError({"date": MSG_DATE_FUTURE})
            if self.date < EARLIEST_DATE:
                raise ValidationError({"date": MSG_DATE_EARLY})

    @property
    def is_legal_education(self) -> bool:
        return self.kind in LEGAL_EDUCATION_KINDS

    @property
    def place(self):
        """The compound or the community the activity belongs to."""
        return self.compound if self.compound_id else self.community


def activity_photo_path(instance, filename: str) -> str:
    return dated_upload_name("activities/photos", filename, instance.activity.date)


class ActivityPhotoQuerySet(ScopedQuerySet):
    def scope_filter(self, scope) -> Q:
        return activity_scope_q(scope, prefix="activity__")


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="photos", verbose_name=_("activity")
    )
    file = models.ImageField(_("photo"), upload_to=activity_photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=activity_photo_path, blank=True)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ActivityPhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.activity_id} · {self.pk}"
