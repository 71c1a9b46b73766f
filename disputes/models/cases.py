"""Dispute cases (矛盾纠纷): parties, mediation sessions, return visits and the timeline."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.models import Compound, PropertyCompany, Street
from communities.models.base import CompoundScopedQuerySet, TimelineEvent, TimeStamped
from communities.privacy import ID_NUMBER, NAME, PHONE
from communities.uploads import dated_upload_name
from communities.validators import (
    normalize_id_number,
    normalize_phone,
    normalize_text,
    validate_id_number,
    validate_phone,
)


class Category(models.TextChoices):
    NEIGHBOURS = "neighbours", _("neighbours")
    PROPERTY_SERVICE = "property", _("property service")
    FAMILY = "family", _("family")
    RENOVATION = "renovation", _("renovation")
    PARKING = "parking", _("parking")
    NOISE = "noise", _("noise")
    LABOUR = "labour", _("labour")
    LAND = "land", _("land")
    LAW_PETITION = "petition", _("law-related petition (涉法上访)")
    OTHER = "other", pgettext_lazy("dispute category", "other")


class Source(models.TextChoices):
    SCREENING = "screening", _("screening (排查)")
    RESIDENT = "resident", _("reported by a resident")
    PATROL = "patrol", pgettext_lazy("dispute source", "patrol")
    HOTLINE = "hotline", _("12345 hotline")
    REFERRAL = "referral", _("referral")


class Level(models.TextChoices):
    """The three levels of mediation, lowest first (三级调解)."""

    COMMUNITY = "community", _("compound / community")
    STREET = "street", _("street")
    DISTRICT = "district", pgettext_lazy("dispute level", "district")


LEVEL_ORDER = [Level.COMMUNITY, Level.STREET, Level.DISTRICT]


def level_above(level: str) -> str | None:
    """The next level up, or None at the top (a district case cannot be escalated)."""
    index = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None


class Status(models.TextChoices):
    REGISTERED = "registered", _("registered")
    ACCEPTED = "accepted", _("accepted")
    MEDIATING = "mediating", _("mediating")
    ESCALATED = "escalated", _("escalated")
    RESOLVED = "resolved", _("resolved")
    CLOSED_UNRESOLVED = "unresolved", _("closed unresolved")
    WITHDRAWN = "withdrawn", _("withdrawn")


OPEN_STATUSES = (Status.REGISTERED, Status.ACCEPTED, Status.MEDIATING, Status.ESCALATED)
CLOSED_STATUSES = (Status.RESOLVED, Status.CLOSED_UNRESOLVED, Status.WITHDRAWN)
# Where each step may start (the services enforce them; selectors and pages read them).
CAN_ACCEPT = (Status.REGISTERED, Status.ESCALATED)
IN_HAND = (Status.ACCEPTED, Status.MEDIATING)
CAN_ESCALATE = OPEN_STATUSES

#: The workbench list's order: the open cases first, soonest deadline first, then the newest.
#: One index holds these expressions (``DisputeCase.Meta``), so a page of a province's cases
#: is read from it rather than by sorting them all.
IS_CLOSED = models.Case(
    models.When(status__in=OPEN_STATUSES, then=models.Value(0)),
    default=models.Value(1),
    output_field=models.IntegerField(),
)
OPEN_DEADLINE = models.Case(
    models.When(status__in=OPEN_STATUSES, then=models.F("deadline")),
    default=None,
    output_field=models.DateField(),
)
LIST_ORDER = (
    IS_CLOSED.asc(),
    OPEN_DEADLINE.asc(nulls_last=True),  # SQLite puts nulls first unless told
    models.F("registered_at").desc(),
    models.F("id").desc(),
)
# The same in an index (PostgreSQL's ascending order puts nulls last; SQLite takes no NULLS
# LAST in an index).
LIST_ORDER_INDEX = (
    IS_CLOSED.asc(),
    OPEN_DEADLINE.asc(),
    models.F("registered_at").desc(),
    models.F("id").desc(),
)


class ReferredTo(models.TextChoices):
    COURT = "court", _("court (诉讼)")
    ARBITRATION = "arbitration", _("arbitration (仲裁)")
    DEPARTMENT = "department", _("another department")


class Satisfaction(models.TextChoices):
    VERY_SATISFIED = "very", _("very satisfied")
    SATISFIED = "satisfied", _("satisfied")
    NEUTRAL = "neutral", _("basically satisfied")
    DISSATISFIED = "dissatisfied", _("dissatisfied")


SATISFIED = (Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED)


def concerns_company_q() -> models.Q:
    """Cases that concern a property company (回避): about property service, or with the
    compound's property company as the respondent (``DisputeCase.concerns_company``)."""
    return models.Q(category=Category.PROPERTY_SERVICE) | models.Q(respondent_company__isnull=False)


def overdue_q(today) -> models.Q:
    """Overdue: past the deadline and not closed (the one definition; ``is_overdue`` is its
    per-case form)."""
    return models.Q(status__in=OPEN_STATUSES, deadline__lt=today)


class DisputeCaseQuerySet(CompoundScopedQuerySet):
    compound_path = "compound"

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today=None):
        return self.filter(overdue_q(today or timezone.localdate()))


def agreement_path(instance, filename: str) -> str:
    return dated_upload_name("disputes/agreements", filename)


class DisputeCase(TimeStamped):
    number = models.CharField(_("case number"), max_length=30, unique=True, editable=False)
    street = models.ForeignKey(
        Street, models.PROTECT, related_name="+", editable=False, verbose_name=_("street")
    )
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("sequence"), editable=False)
    compound = models.ForeignKey(
        Compound, models.PROTECT, related_name="disputes", verbose_name=_("compound")
    )
    category = models.CharField(
        pgettext_lazy("dispute", "category"), max_length=12, choices=Category.choices
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    description = models.TextField(pgettext_lazy("dispute", "description"))
    amount = models.DecimalField(
        _("amount at stake (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    # 回避: the property company the case is against, fixed at registration (the company running
    # the compound that day): for a property-service case always, for another when the
    # registrant says the respondent is the compound's property company. Its people never
    # handle the case nor see its parties in full (``disputes.conflict``).
    respondent_company = models.ForeignKey(
        PropertyCompany,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("respondent property company"),
    )
    # Resolved, before the conflict rule existed, by a member of the respondent company: not
    # counted as resolved in the closure rate (set by migration 0007 only; no service can).
    resolved_by_respondent = models.BooleanField(
        _("resolved by the respondent company"), default=False, editable=False
    )
    level = models.CharField(
        _("level"), max_length=10, choices=Level.choices, default=Level.COMMUNITY
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    # The four fixes (四定), set on accepting at each level.
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("leader (包保领导)"),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handler (专人)"),
    )
    plan = models.TextField(_("plan (方案)"), blank=True)
    deadline = models.DateField(_("deadline (时限)"))
    escalations = models.PositiveSmallIntegerField(_("times escalated"), default=0)
    # How it ended.
    outcome = models.TextField(_("outcome"), blank=True)
    agreement_reached = models.BooleanField(_("mediation agreement reached"), default=False)
    agreement_file = models.FileField(
        _("mediation agreement"), upload_to=agreement_path, blank=True
    )
    referred_to = models.CharField(
        _("referred to"), max_length=12, choices=ReferredTo.choices, blank=True
    )
    referred_where = models.CharField(_("where"), max_length=200, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )

    objects = DisputeCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("dispute case")
        verbose_name_plural = _("dispute cases")
        ordering = ["-registered_at", "-pk"]
        permissions = [
            ("handle_disputecase", _("Can accept, mediate and close dispute cases")),
            ("import_disputecase", _("Can import dispute cases")),
            ("export_disputecase", _("Can export dispute cases")),
            (
                "view_party_data",
                _("Can see dispute parties' names, phones and ID numbers in full"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "year", "sequence"], name="dispute_number_per_street_year"
            )
        ]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["registered_at"]),
            models.Index(*LIST_ORDER_INDEX, name="dispute_list_order"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_resolved(self) -> bool:
        return self.status == Status.RESOLVED

    @property
    def concerns_company(self) -> bool:
        """About property service, or against the compound's property company (回避; the
        per-case form of ``concerns_company_q``)."""
        return self.category == Category.PROPERTY_SERVICE or self.respondent_company_id is not None

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.deadline < today


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("applicant (申请人)")
    RESPONDENT = "respondent", _("respondent (被申请人)")
    THIRD_PARTY = "third", _("third party")


class PartyQuerySet(CompoundScopedQuerySet):
    compound_path = "case__compound"


class Party(models.Model):
    """A party to a dispute; name, phone and ID number are personal data (masked)."""

    personal_data = {"name": NAME, "phone": PHONE, "id_number": ID_NUMBER}

    case = models.ForeignKey(
        DisputeCase, models.CASCADE, related_name="parties", verbose_name=_("case")
    )
    role = models.CharField(_("role"), max_length=12, choices=PartyRole.choices)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    id_number = models.CharField(
        _("ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )

    objects = PartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["case", "pk"]

    def __str__(self) -> str:  # no personal data: it ends up in the admin's log
        return f"{self.case_id and self.case} · {self.get_role_display()}"

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)

    def normalise(self) -> None:
        self.name = normalize_text(self.name)
        self.phone = normalize_phone(self.phone)
        self.id_number = normalize_id_number(self.id_number)

    def clean_fields(self, exclude=None):
        self.normalise()  # the admin's form too: stored values hold ASCII digits, no invisibles
        super().clean_fields(exclude)


class SessionQuerySet(CompoundScopedQuerySet):
    compound_path = "case__compound"


class MediationSession(models.Model):
    """One mediation meeting: when, who mediated and who came, what was agreed.

    Who came is the case's own parties (``parties_present``, masked like every party), the
    people who work the case (``staff_present``) and, as free text, anyone else by role or
    office (``other_attendees``: 楼长, 社区民警). ``disputes.services.session_record`` checks
    that the parties and staff belong to the case.
    """

    not_personal_data = {
        "mediators": "the mediators' names as they sign the record (staff, not parties)",
        "other_attendees": (
            "others present by role or office (楼长, 社区民警); parties are chosen among the "
            "case's Party rows, and their names in this text are masked with the case's texts"
        ),
    }

    case = models.ForeignKey(
        DisputeCase, models.PROTECT, related_name="sessions", verbose_name=_("case")
    )
    held_on = models.DateField(_("date"))
    mediators = models.CharField(_("mediators"), max_length=200)
    parties_present = models.ManyToManyField(
        Party, blank=True, related_name="sessions_attended", verbose_name=_("parties present")
    )
    staff_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("case workers present"),
    )
    other_attendees = models.CharField(_("others present"), max_length=300, blank=True)
    agreed = models.TextField(_("what was agreed"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id and self.case} {self.held_on}"


class ReturnVisit(models.Model):
    """A follow-up after resolution (回访) with the residents' satisfaction."""

    case = models.ForeignKey(
        DisputeCase, models.PROTECT, related_name="return_visits", verbose_name=_("case")
    )
    visited_on = models.DateField(_("visited on"))
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices)
    note = models.TextField(_("note"), blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("visited by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("return visit")
        verbose_name_plural = _("return visits")
        ordering = ["visited_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id and self.case} {self.visited_on}"


class TimelineIsPermanent(Exception):
    """Raised on any attempt to change or delete a case's timeline."""


class CaseEventQuerySet(CompoundScopedQuerySet):
    compound_path = "case__compound"

    def update(self, **kwargs):
        raise TimelineIsPermanent("A timeline event is never edited.")

    def delete(self):
        raise TimelineIsPermanent("A timeline event is never deleted.")


class CaseAction(models.TextChoices):
    """What was done (a verb), not the status it led to."""

    REGISTER = "register", pgettext_lazy("dispute event", "registered")
    ACCEPT = "accept", pgettext_lazy("dispute event", "accepted (四定)")
    SESSION = "session", pgettext_lazy("dispute event", "mediation session")
    RESOLVE = "resolve", pgettext_lazy("dispute event", "resolved")
    CLOSE = "close", pgettext_lazy("dispute event", "closed unresolved")
    WITHDRAW = "withdraw", pgettext_lazy("dispute event", "withdrawn")
    ESCALATE = "escalate", pgettext_lazy("dispute event", "escalated")
    REASSIGN = "reassign", pgettext_lazy("dispute event", "leader or handler changed")
    DEADLINE = "deadline", pgettext_lazy("dispute event", "deadline changed")
    VISIT = "visit", pgettext_lazy("dispute event", "return visit")
    PARTY = "party", pgettext_lazy("dispute event", "party added")


class CaseEvent(TimelineEvent):
    """A step on a case's timeline. Written once by a service; never edited or deleted."""

    action = models.CharField(_("action"), max_length=20, choices=CaseAction.choices)
    statuses = Status

    case = models.ForeignKey(
        DisputeCase, models.PROTECT, related_name="events", verbose_name=_("case")
    )
    from_level = models.CharField(_("from level"), max_length=10, blank=True)
    to_level = models.CharField(_("to level"), max_length=10, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handler"),
    )
    deadline = models.DateField(pgettext_lazy("dispute", "deadline"), null=True, blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta(TimelineEvent.Meta):
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case_id and self.case} {self.action}"

    @property
    def from_level_label(self) -> str:
        return Level(self.from_level).label if self.from_level in Level.values else self.from_level

    @property
    def to_level_label(self) -> str:
        return Level(self.to_level).label if self.to_level in Level.values else self.to_level

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TimelineIsPermanent("A timeline event is never edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TimelineIsPermanent("A timeline event is never deleted.")
