"""Patrols (巡逻): a team's weekly plan, its logs, and what a patrol found.

A log is entered on a phone, at once ("log a patrol": start and end) or in two steps ("start
patrol" now, "end patrol" later: a log with no ``ended_at`` is open). A finding may raise a
hazard through ``inspections``' hazard service (source "patrol"), so the rectification and
verification flow applies to it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from communities.models import Compound
from communities.models.base import TimeStamped, compound_scope_q
from inspections.models import Hazard

from .teams import PatrolTeam, TeamMember, TeamScopedQuerySet


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class PatrolPlanSlotQuerySet(TeamScopedQuerySet):
    team_path = "team"


class PatrolPlanSlot(TimeStamped):
    """One window of a team's weekly plan: a patrol is due on ``weekday`` between ``starts``
    and ``ends`` (local time; an end before the start is the next morning's, a night patrol).
    A patrol whose log starts inside the window keeps it."""

    team = models.ForeignKey(
        PatrolTeam, models.CASCADE, related_name="plan_slots", verbose_name=_("patrol team")
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts = models.TimeField(_("window starts"))
    ends = models.TimeField(_("window ends"))

    objects = PatrolPlanSlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol plan window")
        verbose_name_plural = _("patrol plan")
        ordering = ["team", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(ends=models.F("starts")), name="plan_slot_has_a_length"
            ),
            models.UniqueConstraint(fields=["team", "weekday", "starts"], name="plan_slot_unique"),
        ]

    def __str__(self) -> str:
        window = f"{self.starts:%H:%M}–{self.ends:%H:%M}"
        return f"{self.team_id and self.team} {self.get_weekday_display()} {window}"


class PatrolLogQuerySet(TeamScopedQuerySet):
    """A log is visible to the organisation running its team (and those above it) and to
    whoever sees a compound it patrolled — not to everyone who sees the team: a street's
    officers covering two companies' compounds patrol each one's, and a patrol of one company's
    compound is no business of the other."""

    team_path = "team"

    def scope_filter(self, scope) -> Q:
        went = PatrolLog.compounds.through.objects.filter(patrollog_id=OuterRef("pk")).filter(
            compound_scope_q(scope, "compound")
        )
        return self.run_by_scope_filter(scope) | Q(Exists(went))

    def open(self):
        return self.filter(ended_at__isnull=True)

    def ended(self):
        return self.filter(ended_at__isnull=False)


class PatrolLog(TimeStamped):
    team = models.ForeignKey(
        PatrolTeam, models.PROTECT, related_name="logs", verbose_name=_("patrol team")
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    compounds = models.ManyToManyField(
        Compound, related_name="patrol_logs", verbose_name=_("compounds patrolled")
    )
    area = models.CharField(_("area covered"), max_length=200, blank=True)
    members = models.ManyToManyField(
        TeamMember, related_name="patrol_logs", blank=True, verbose_name=_("members present")
    )
    route = models.TextField(_("route or note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )

    objects = PatrolLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol log")
        verbose_name_plural = _("patrol logs")
        ordering = ["-started_at", "-pk"]
        permissions = [("export_patrollog", _("Can export patrol logs"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gt=models.F("started_at")),
                name="patrol_log_ends_after_start",
            ),
            # One patrol under way per team (patrol_start checks it first, with a message).
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(ended_at__isnull=True),
                name="patrol_log_one_open_per_team",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "started_at"], name="patrol_log_team_started"),
            # The list's order (newest first), read backwards: a page is the next rows of the
            # index, not a sort of every visible log.
            models.Index(fields=["started_at", "id"], name="patrol_log_started"),
        ]

    def __str__(self) -> str:
        return f"{self.team_id and self.team} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def duration(self):
        return self.ended_at - self.started_at if self.ended_at else None

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from patrols.patrol_bounds import log_times_problem

        problem = log_times_problem(self.started_at, self.ended_at)
        if problem:
            raise ValidationError({"ended_at" if self.ended_at else "started_at": problem})


class PatrolFindingQuerySet(TeamScopedQuerySet):
    """A finding is visible to the organisation running the team and to whoever sees the
    compound it was found in."""

    team_path = "log__team"

    def scope_filter(self, scope) -> Q:
        return self.run_by_scope_filter(scope) | compound_scope_q(scope, "compound")


class PatrolFinding(TimeStamped):
    """Something a patrol found in a compound; ``hazard`` is the hazard it raised, if any."""

    log = models.ForeignKey(
        PatrolLog, models.CASCADE, related_name="findings", verbose_name=_("patrol log")
    )
    compound = models.ForeignKey(
        Compound, models.PROTECT, related_name="+", verbose_name=_("compound")
    )
    description = models.TextField(_("what was found"))
    hazard = models.OneToOneField(
        Hazard,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="patrol_finding",
        verbose_name=_("hazard raised"),
    )

    objects = PatrolFindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol finding")
        verbose_name_plural = _("patrol findings")
        ordering = ["log", "pk"]

    def __str__(self) -> str:
        return f"{self.log_id and self.log} #{self.pk}"
