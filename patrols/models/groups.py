"""Household-watch groups (十户联防组): neighbouring households that look out for each other.

A household is in at most one active group: ``WatchGroupMembership`` rows with no ``left_on``
are unique per household (a partial unique constraint, so two concurrent saves cannot both
win). Dissolving a group ends its memberships; the rows stay as history.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import Compound, Household
from communities.models.base import CompoundScopedQuerySet, TimeStamped
from communities.privacy import NAME, PHONE
from communities.validators import normalize_phone, normalize_text, validate_phone


class GroupKind(models.TextChoices):
    TEN_HOUSEHOLD = "ten_household", _("ten-household joint defence (十户联防)")
    TEN_DOUBLE = "ten_double", _("ten-household double link (十户双联)")
    OTHER = "other", _("other")


class WatchGroupQuerySet(CompoundScopedQuerySet):
    compound_path = "compound"

    def active(self):
        return self.filter(dissolved_on__isnull=True)


class WatchGroup(TimeStamped):
    personal_data = {"leader_name": NAME, "leader_phone": PHONE}

    compound = models.ForeignKey(
        Compound, models.PROTECT, related_name="watch_groups", verbose_name=_("compound")
    )
    number = models.CharField(_("group number"), max_length=20)
    kind = models.CharField(
        _("kind"), max_length=16, choices=GroupKind.choices, default=GroupKind.TEN_HOUSEHOLD
    )
    leader = models.ForeignKey(
        Household,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("leader's household"),
    )
    leader_name = models.CharField(_("leader (联户长)"), max_length=40, blank=True)
    leader_phone = models.CharField(
        _("leader's phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    formed_on = models.DateField(_("formed on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    objects = WatchGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("watch group")
        verbose_name_plural = _("watch groups")
        ordering = ["compound__code", "number"]
        permissions = [
            ("import_watchgroup", _("Can import watch groups")),
            ("export_watchgroup", _("Can export watch groups")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "number"], name="watch_group_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=models.F("formed_on")),
                name="watch_group_dissolved_after_formed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compound_id and self.compound} {self.number}"

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None

    def normalise(self) -> None:
        self.number = normalize_text(self.number)
        self.leader_name = normalize_text(self.leader_name)
        self.leader_phone = normalize_phone(self.leader_phone)

    def clean_fields(self, exclude=None):
        self.normalise()
        super().clean_fields(exclude)

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)


class WatchGroupMembershipQuerySet(CompoundScopedQuerySet):
    compound_path = "group__compound"

    def current(self):
        return self.filter(left_on__isnull=True)


class WatchGroupMembership(models.Model):
    group = models.ForeignKey(
        WatchGroup, models.CASCADE, related_name="memberships", verbose_name=_("watch group")
    )
    household = models.ForeignKey(
        Household,
        models.CASCADE,
        related_name="watch_group_memberships",
        verbose_name=_("household"),
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = WatchGroupMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("watch group member")
        verbose_name_plural = _("watch group members")
        ordering = ["group", "household__building", "household__unit", "household__room"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(left_on__isnull=True),
                name="household_one_active_watch_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.household}"
