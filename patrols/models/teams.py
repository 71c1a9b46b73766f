"""Patrol teams (巡逻队) and their members.

A team is run by one organisation — a property company's guards, a community's volunteer
joint-defence team (义务联防队), a street office's full-time officers (专职治安员) — and covers
compounds of that organisation's area. It is visible to the people of the organisation that
runs it (and those above it: a street office sees its communities' teams) and to whoever sees a
compound it covers; the latter see its members' names and phones masked unless their role may
see personal data (``patrols.privacy``).
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from communities.models import Compound, Organisation
from communities.models.base import ScopedQuerySet, TimeStamped, compound_scope_q
from communities.privacy import NAME, PHONE
from communities.validators import normalize_phone, normalize_text, validate_phone


class TeamKind(models.TextChoices):
    GUARDS = "guards", _("property security guards")
    VOLUNTEERS = "volunteers", _("volunteer joint-defence team (义务联防队)")
    OFFICERS = "officers", _("full-time public-order officers (专职治安员)")
    OTHER = "other", _("other")


class MemberCategory(models.TextChoices):
    GUARD = "guard", _("security guard")
    OFFICER = "officer", _("full-time public-order officer")
    VOLUNTEER = "volunteer", _("volunteer")
    # The four "四保" groups patrolling under the community police officer.
    LOW_INCOME = "low_income", _("minimum-living-allowance recipient (低保人员)")
    CLEANER = "cleaner", _("cleaner (保洁员)")
    LABOUR = "labour", _("labour-security worker (劳动保障人员)")
    RETIREE = "retiree", _("retiree (离退休人员)")


def organisation_scope_q(scope, p: str) -> Q:
    """The organisations whose area lies in the scope, or that are the user's companies (the
    rule of ``Organisation``'s own queryset, reached through the lookup ``p``)."""
    d, s, c = scope.district_ids, scope.street_ids, scope.community_ids
    return (
        Q(**{f"{p}__district_id__in": d})
        | Q(**{f"{p}__street__district_id__in": d})
        | Q(**{f"{p}__community__street__district_id__in": d})
        | Q(**{f"{p}__property_company__district_id__in": d})
        | Q(**{f"{p}__street_id__in": s})
        | Q(**{f"{p}__community__street_id__in": s})
        | Q(**{f"{p}__community_id__in": c})
        | Q(**{f"{p}__property_company_id__in": scope.company_ids})
    )


class TeamScopedQuerySet(ScopedQuerySet):
    """Visible when the team is: its organisation lies in the scope, or it covers a compound
    the user sees. ``team_path`` is the lookup from the model to its team."""

    team_path = ""

    def _team(self, name: str) -> str:
        return f"{self.team_path}__{name}" if self.team_path else name

    def scope_filter(self, scope) -> Q:
        covered = PatrolTeam.compounds.through.objects.filter(
            patrolteam_id=OuterRef(self._team("pk")),
        ).filter(compound_scope_q(scope, "compound"))
        return self.run_by_scope_filter(scope) | Q(Exists(covered))

    def run_by_scope_filter(self, scope) -> Q:
        """Only the teams run inside the scope (their members' data is theirs to see).

        The teams are a subquery (a few thousand ids, hashed once) rather than the
        organisation's area joined to every row: a bureau's list of logs joined five tables
        for each of a province's logs before its ``LIMIT``."""
        teams = PatrolTeam.objects.filter(organisation_scope_q(scope, "organisation"))
        return Q(**{f"{self._team('pk')}__in": teams.values("pk")})


class PatrolTeamQuerySet(TeamScopedQuerySet):
    def active(self):
        return self.filter(active=True)


class PatrolTeam(TimeStamped):
    personal_data = {"leader_name": NAME, "leader_phone": PHONE}

    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="patrol_teams",
        verbose_name=_("run by"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=TeamKind.choices)
    name = models.CharField(_("name"), max_length=80)
    leader_name = models.CharField(_("team leader"), max_length=40, blank=True)
    leader_phone = models.CharField(
        _("phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    compounds = models.ManyToManyField(
        Compound, related_name="patrol_teams", verbose_name=_("compounds covered")
    )
    active = models.BooleanField(_("active"), default=True)

    objects = PatrolTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol team")
        verbose_name_plural = _("patrol teams")
        ordering = ["name", "pk"]
        permissions = [
            ("export_patrolteam", _("Can export patrol teams")),
            ("view_member_data", _("Can see patrol members' names and phones in full")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="patrol_team_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def normalise(self) -> None:
        self.name = normalize_text(self.name)
        self.leader_name = normalize_text(self.leader_name)
        self.leader_phone = normalize_phone(self.leader_phone)

    def clean_fields(self, exclude=None):
        self.normalise()
        super().clean_fields(exclude)

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)


class TeamMemberQuerySet(TeamScopedQuerySet):
    team_path = "team"

    def active(self):
        return self.filter(left_on__isnull=True)


class TeamMember(TimeStamped):
    personal_data = {"name": NAME, "phone": PHONE}

    team = models.ForeignKey(
        PatrolTeam, models.CASCADE, related_name="members", verbose_name=_("patrol team")
    )
    name = models.CharField(_("name"), max_length=40)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    category = models.CharField(_("category"), max_length=12, choices=MemberCategory.choices)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="team_member_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        # No personal data here: the admin log stores str(obj).
        return f"{self.team_id and self.team} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.left_on is None

    def normalise(self) -> None:
        self.name = normalize_text(self.name)
        self.phone = normalize_phone(self.phone)

    def clean_fields(self, exclude=None):
        self.normalise()
        super().clean_fields(exclude)

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)
