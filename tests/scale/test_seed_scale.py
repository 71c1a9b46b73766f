"""``seed_scale`` (issue 14) on the fast demo city at scale 0.001: proportional counts, valid
rows whose status agrees with their timeline, the demo logins see the new compounds, the
monthly figures read the generated months, the same seed gives the same rows, and a second run
is refused."""

import datetime
import random
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.demo import COMPANY_NAMES, DISTRICT_CODE
from communities.models import (
    Activity,
    Community,
    Compound,
    Household,
    ManagementTerm,
    PropertyCompany,
    Resident,
    Street,
)
from communities.months import previous_month
from communities.residents.figures import registration_rate
from communities.scoping import compounds_visible_to
from disputes.figures import dispute_month_figures
from disputes.models import CaseEvent, DisputeCase, MediationSession, Party, ReturnVisit, Status
from inspections.figures import hazard_month_figures, self_check_figures
from inspections.models import (
    Answer,
    Evidence,
    Hazard,
    HazardEvent,
    Inspection,
    InspectionEvent,
    InspectionKind,
    InspectionStatus,
    KeyManagement,
)
from inspections.scoring import evidence_required_for
from patrols.coverage import watch_group_coverage
from patrols.facility_coverage import facility_coverage
from patrols.models import (
    Facility,
    PatrolFinding,
    PatrolLog,
    PatrolTeam,
    TeamMember,
    WatchGroup,
    WatchGroupMembership,
)
from scale.checks import EVIDENCE_PHOTO
from scale.plan import CREDIT_PREFIX
from scale.register import _company_names
from tests.factories import PropertyCompanyFactory

SCALE = 0.001
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
pytestmark = pytest.mark.django_db


def _load(seed: int = 14) -> dict:
    call_command("seed_demo", city_only=True, households_per_compound=2, stdout=StringIO())
    last_demo = Compound.objects.order_by("-pk").values_list("pk", flat=True)[0]
    out = StringIO()
    call_command("seed_scale", scale=SCALE, seed=seed, stdout=out)
    return {"out": out.getvalue(), "new": Compound.objects.filter(pk__gt=last_demo)}


@pytest.fixture
def scaled():
    return _load()


def _district():
    return Compound.objects.filter(community__street__district__code=DISTRICT_CODE)


def test_counts_are_proportional(scaled):
    assert "communities_compound" in scaled["out"] and "total" in scaled["out"]
    assert scaled["new"].count() == 20
    assert _district().count() == 60 + 20
    assert PropertyCompany.objects.filter(credit_code__startswith=CREDIT_PREFIX).count() == 2
    generated = Household.objects.filter(compound__in=scaled["new"])
    assert 600 <= generated.count() <= 1600
    assert Resident.objects.count() > generated.count()
    assert DisputeCase.objects.count() == 300
    assert Hazard.objects.count() == 100
    checks_per_month = Inspection.objects.values("period").annotate(n=Count("pk"))
    assert len(checks_per_month) == 6  # three months, and the same three a year before
    assert all(10 <= row["n"] <= 20 for row in checks_per_month)
    assert Answer.objects.count() > 10 * Inspection.objects.exclude(status="draft").count()


def test_rows_are_valid(scaled):
    samples = [
        *Street.objects.order_by("-pk")[:2],
        *Community.objects.order_by("-pk")[:3],
        *Compound.objects.order_by("-pk")[:5],
        *PropertyCompany.objects.filter(credit_code__startswith=CREDIT_PREFIX),
        *ManagementTerm.objects.order_by("-pk")[:5],
        *Household.objects.order_by("-pk")[:20],
        *Resident.objects.order_by("-pk")[:50],
        *Inspection.objects.order_by("-pk")[:5],
        *Hazard.objects.order_by("-pk")[:10],
        *DisputeCase.objects.order_by("-pk")[:10],
        *Party.objects.order_by("-pk")[:10],
        *MediationSession.objects.order_by("-pk")[:5],
        *ReturnVisit.objects.order_by("-pk")[:5],
    ]
    for row in samples:
        row.full_clean(exclude=["agreement_file", "number", "sequence"])
    present = Resident.objects.filter(moved_out__isnull=True)
    documents = present.values("document_type", "id_number").distinct().count()
    assert documents == present.count()


def test_status_agrees_with_the_timeline(scaled):
    for case in DisputeCase.objects.prefetch_related("events"):
        events = list(case.events.all())
        assert events[0].action == "register"
        assert events[-1].to_status == case.status
        assert events[-1].deadline == case.deadline
        assert (case.closed_at is not None) == (
            case.status not in ("registered", "accepted", "mediating", "escalated")
        )
    for hazard in Hazard.objects.prefetch_related("events"):
        assert hazard.events.all()[0].action == "raise"
        assert list(hazard.events.all())[-1].to_status == hazard.status
    for check in Inspection.objects.prefetch_related("events"):
        assert list(check.events.all())[-1].to_status == check.status
    approved = Inspection.objects.filter(status=InspectionStatus.APPROVED)
    assert approved.exists() and not approved.filter(result="").exists()
    assert InspectionEvent.objects.filter(action="submit").exists()
    assert HazardEvent.objects.filter(action="verify").exists()
    assert CaseEvent.objects.filter(action="visit").count() == ReturnVisit.objects.count()
    assert DisputeCase.objects.filter(status=Status.RESOLVED).exists()


def test_supervisions_and_evidence(scaled, media_root):
    """The bureau supervises a few compounds each generated month (final once submitted); most
    answers that need a photo have one, and none that does not; the photo is on disk."""
    new = scaled["new"]
    supervisions = Inspection.objects.filter(kind=InspectionKind.SUPERVISION, compound__in=new)
    months = set(Inspection.objects.filter(compound__in=new).values_list("period", flat=True))
    assert set(supervisions.values_list("period", flat=True)) == months
    assert set(supervisions.values_list("organisation__kind", flat=True)) == {"bureau"}
    submitted = supervisions.filter(status=InspectionStatus.SUBMITTED)
    assert submitted.exists() and not submitted.filter(result="").exists()
    assert not supervisions.exclude(status__in=["submitted", "draft"]).exists()
    assert Answer.objects.filter(inspection__in=submitted).exists()
    answers = Answer.objects.filter(
        inspection__compound__in=new, inspection__kind=InspectionKind.SELF_CHECK
    ).select_related("item")
    needing = [a for a in answers.prefetch_related("evidence") if evidence_required_for(a)]
    with_photo = [a for a in needing if a.evidence.all()]
    assert len(needing) > 100  # enough for the share to show
    assert 0.9 <= len(with_photo) / len(needing) < 1.0
    photos = Evidence.objects.filter(answer__inspection__compound__in=new)
    assert photos.count() == len(with_photo)
    assert not photos.exclude(answer__in=[a.pk for a in needing]).exists()
    photo = photos.first()
    assert photo.file.name == EVIDENCE_PHOTO and photo.is_image
    assert (media_root / EVIDENCE_PHOTO).stat().st_size == photo.size > 0
    assert photo.uploaded_at == photo.answer.inspection.submitted_at
    photo.full_clean(exclude=["uploaded_by"])  # no one's upload: invented


def test_demo_logins_see_the_new_compounds(scaled):
    users = {u.username: u for u in get_user_model().objects.all()}
    assert compounds_visible_to(users["bureau"]).count() == 80
    hefeng = Compound.objects.filter(community__street__code=f"{DISTRICT_CODE}001")
    assert compounds_visible_to(users["street"]).count() == hefeng.count() > 15
    for username, company in (("manager", COMPANY_NAMES[0]), ("manager2", COMPANY_NAMES[1])):
        runs = Compound.objects.managed_by(
            PropertyCompany.objects.filter(name=company).values("pk")
        )
        seen = compounds_visible_to(users[username])
        assert seen.count() == runs.count()
        assert seen.filter(inspections__isnull=False).exists()


def test_monthly_figures_read_the_generated_months(scaled):
    month = previous_month(timezone.localdate())
    compounds = _district()
    checks = self_check_figures(compounds, month)
    assert checks.due >= 15 and checks.submitted > 0 and checks.approved > 0
    assert checks.pass_rate is not None
    disputes = dispute_month_figures(compounds, month)
    assert disputes.registered > 0 and disputes.closure_rate is not None
    hazards = hazard_month_figures(compounds, month)
    assert hazards.found > 0 and hazards.rectification_rate is not None
    rate = registration_rate(compounds)
    assert rate.present > 0 and rate.registered > 0
    year_ago = month.replace(year=month.year - 1)
    assert self_check_figures(compounds, year_ago).approved > 0  # 同比 has data
    assert dispute_month_figures(compounds, year_ago).registered > 0
    assert hazard_month_figures(compounds, year_ago).found > 0


def test_a_second_run_is_refused(scaled):
    cases = DisputeCase.objects.count()
    with pytest.raises(CommandError, match="already been scaled"):
        call_command("seed_scale", scale=SCALE, stdout=StringIO())
    assert DisputeCase.objects.count() == cases


class _Rollback(Exception):
    pass


def _snapshot() -> dict:
    return {
        "compounds": list(Compound.objects.order_by("code").values_list("code", "name", "kind")),
        "residents": list(Resident.objects.order_by("id_number").values_list("id_number", "name")),
        "cases": list(
            DisputeCase.objects.order_by("number").values_list(
                "number", "category", "status", "registered_at", "deadline"
            )
        ),
        "hazards": list(Hazard.objects.order_by("created_at").values_list("status", "deadline")),
        "checks": list(
            Inspection.objects.order_by("period", "compound__code").values_list(
                "compound__code", "status", "score"
            )
        ),
    }


def test_the_same_seed_gives_the_same_rows():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, tzinfo=SHANGHAI), tick=False):
        with pytest.raises(_Rollback), transaction.atomic():
            _load(seed=7)
            first = _snapshot()
            raise _Rollback
        _load(seed=7)
        assert _snapshot() == first
        assert first["cases"] and first["residents"]


def test_patrols_watch_groups_and_facilities(scaled):
    new = scaled["new"]
    teams = PatrolTeam.objects.filter(compounds__in=new).distinct()
    assert teams.count() == 4  # one per company running new compounds (A and B too)
    logs = PatrolLog.objects.filter(team__in=teams)
    assert logs.count() > 100 and not logs.filter(ended_at__isnull=True).exists()
    samples = [
        *teams,
        *TeamMember.objects.filter(team__in=teams)[:4],
        *logs.order_by("-pk")[:5],
        *WatchGroup.objects.filter(compound__in=new)[:10],
        *WatchGroupMembership.objects.filter(group__compound__in=new)[:10],
        *Facility.objects.filter(compound__in=new)[:20],
    ]
    for row in samples:
        row.full_clean()
    coverage = watch_group_coverage(new)
    assert 0.5 < coverage.rate <= 1
    assert facility_coverage(new).assessed == new.count()
    findings = PatrolFinding.objects.filter(log__in=logs)
    assert 0 < findings.count() < logs.count() / 5
    for finding in findings:
        finding.full_clean()
        assert finding.log.compounds.filter(pk=finding.compound_id).exists()  # where it went


def test_key_management_spells(scaled):
    """A few new compounds have a spell of key management in the past year, by the rule; at
    most one open per compound (the database's constraint), a closed one with its reason."""
    spells = KeyManagement.objects.filter(compound__in=scaled["new"])
    assert 0 < spells.count() < scaled["new"].count() / 5
    today = timezone.localdate()
    for spell in spells:
        spell.full_clean()
        assert today - datetime.timedelta(days=366) < spell.started_on <= today
        assert spell.started_by_id is None and spell.start_reason
        if spell.ended_on is not None:
            assert spell.started_on < spell.ended_on <= today and spell.end_reason


def test_activities_of_the_last_year(scaled):
    """Most new compounds record an activity in a month, each new community one a month, all
    dated in the last twelve months and never after today; valid as the form would save them."""
    new = scaled["new"]
    today = timezone.localdate()
    of_compounds = Activity.objects.filter(compound__in=new)
    assert 0.4 * 12 * new.count() <= of_compounds.count() <= 0.8 * 12 * new.count()
    communities = set(new.values_list("community_id", flat=True))
    of_communities = Activity.objects.filter(community_id__in=communities)
    assert of_communities.count() == 12 * len(communities)
    earliest = today.replace(day=1)
    for _ in range(11):
        earliest = previous_month(earliest)
    for activity in [*of_compounds.order_by("?")[:30], *of_communities[:10]]:
        activity.full_clean()
        assert earliest <= activity.date <= today
        assert activity.organiser.endswith("居民委员会") or activity.organisation_id
    months = {(a.date.year, a.date.month) for a in of_communities}
    assert len(months) == 12
    # 法制教育 (the self-check's 法制教育好) is among them, in the month before this one too
    last_month = previous_month(today.replace(day=1))
    assert of_compounds.legal_education().in_month(last_month).exists()


def _statements(scale: float) -> int:
    """Statements one run sends (COPY on PostgreSQL is not captured; executemany is one)."""
    call_command("seed_demo", city_only=True, households_per_compound=2, stdout=StringIO())
    with pytest.raises(_Rollback), transaction.atomic():
        with CaptureQueriesContext(connection) as run:
            call_command("seed_scale", scale=scale, stdout=StringIO())
        raise _Rollback
    return len(run.captured_queries)


def test_statements_do_not_grow_with_the_rows():
    """No row-by-row writes: three times the rows, the same statements (one batch each)."""
    small = _statements(0.001)
    assert small == _statements(0.003)
    assert small < 140, small  # 114 on SQLite: a few per table and batch


def test_company_names_skip_the_names_taken():
    first = _company_names(random.Random(1), 3)
    PropertyCompanyFactory(name=first[0])
    again = _company_names(random.Random(1), 3)
    assert first[0] not in again
    assert again[:2] == first[1:]
