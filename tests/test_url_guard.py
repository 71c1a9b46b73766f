"""One guard over every URL: a named URL that takes an object id (workbench or admin) answers
for an object outside the user's scope exactly as for an id that does not exist.

``test_every_object_url_is_guarded`` walks the URL resolver and fails for an id-taking URL that
is neither in ``WORKBENCH`` (a URL name → how to reach an object out of scope) nor, for the
admin, a URL of a model in ``ADMIN_OBJECTS`` (derived from ``admin.site._registry``), nor in an
"unscoped on purpose" set with its reason. A new app adds its objects here and is guarded.

Each member of the cast in ``MUST_NOT_SEE`` (and an anonymous visitor) asks for an object of
company B in B1 (another company, street and community) and, where it has one, in B2 (another
company and community in street 1), then for an id that does not exist: both answers must be
the same bytes (the URL and the CSRF token aside), a 404 — or, for a member without the page at
all, the same 403 or login redirect — and a POST must write nothing. The objects are built once
for the module through the services, inside a transaction rolled back at the end (each test runs
in its own savepoint); a control shows that an operator does tell each object from a missing
id. A leak found and not yet fixed is listed in ``KNOWN_LEAKS`` (a strict xfail: it fails once
fixed).
"""

import datetime
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from communities import models as cm
from communities.activities import services as activity_services
from communities.admin.scoped import scoped_queryset
from communities.months import previous_month
from communities.services import membership_set
from disputes import services as dispute_services
from disputes.models import CalendarDay, DisputeCase
from inspections import models as im
from inspections import services as inspection_services
from inspections.services.common import month_start
from patrols import services_patrols as patrol_services
from patrols import services_teams as team_services
from patrols import watch_groups as group_services
from patrols.models import WatchGroup
from reports.default_circular import DEFAULT_CIRCULAR
from reports.models import CircularTemplate, MonthlyReport, ReportStatus
from tests import conftest as cast
from tests import factories as f
from tests.communities.activity_helpers import record as record_activity
from tests.disputes.conftest import accept, pdf_upload, register
from tests.inspections.conftest import fill_check, png_upload
from tests.isolation import admin_object_urls, comparable, database_fingerprint, id_taking_urls
from tests.patrols.conftest_facilities import gate as facility_gate

# Where the objects lie, and who must not see them there: B1 (company B, street 2, community 3)
# is out of everyone's reach but the bureau's and company B's; B2 (company B, community 2) lies
# in street 1, so it tests the company and community roles with their own street's neighbour.
MUST_NOT_SEE = {
    "B1": ["street", "community", "manager_a", "viewer_a", "nobody", "anonymous"],
    "B2": ["community", "manager_a", "viewer_a"],
}
# The kinds of object built in both compounds; the register's others exist once (B1's side).
IN_EACH_COMPOUND = {
    "compound",
    "community",
    "term",
    "household",
    "inspection",
    "answer",
    "evidence",
    "inspection_event",
    "hazard",
    "hazard_event",
    "key_management",
    "case",
    "log_entry",
    "entrance",
    "facility",
    "activity",
    "activity_photo",
    "watch_group",
    "patrol_team",
    "team_member",
    "patrol_log",
}
MISSING = {"pk": 2_000_000_000, "code": "GUARD-NO-SUCH"}
LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")


def _today() -> datetime.date:
    return timezone.localdate()


# What to ask for: a URL name → the object it names and how to ask --------------------------------


@dataclass(frozen=True)
class Probe:
    obj: str  # the world's attribute holding the object outside the scope
    method: str = "get"
    body: object = None  # a callable giving a fresh POST body (uploads are read once)
    key: str = "pk"  # the field the URL names the object by
    args: object = None  # (obj, key) → reverse() args; default [key]
    seen_by: str = "operator"  # someone who does reach the object (the control); "" for none

    def url(self, name: str, obj, key) -> str:
        args = self.args(obj, key) if self.args else [key]
        return reverse(name, args=args)


def _post(obj: str, body=None, **kwargs) -> Probe:
    return Probe(obj, method="post", body=body or dict, **kwargs)


def _in_a_week() -> str:
    return (_today() + datetime.timedelta(days=7)).isoformat()


WORKBENCH = {
    "communities:compound_detail": Probe("compound", key="code"),
    "admin:view_on_site": Probe(
        "compound",
        args=lambda obj, key: [ContentType.objects.get_for_model(obj).pk, key],
        seen_by="",  # nothing has a get_absolute_url: a 404 for every id, even an operator's
    ),
    # self-checks
    "inspections:inspection_detail": Probe("inspection"),
    "inspections:inspection_print": Probe("inspection"),
    "inspections:inspection_submit": _post("inspection"),
    "inspections:inspection_approve": _post("inspection", lambda: {"approve-comment": "好"}),
    "inspections:inspection_return": _post("inspection", lambda: {"return-comment": "请补充"}),
    "inspections:inspection_reopen": _post("inspection", lambda: {"reopen-reason": "重新填写"}),
    "inspections:answer_save": _post("answer", lambda: {"comment": "已整改"}),
    "inspections:evidence_add": _post("answer", lambda: {"file": png_upload()}),
    "inspections:evidence_file": Probe("evidence"),
    "inspections:evidence_thumbnail": Probe("evidence"),
    "inspections:evidence_remove": _post("evidence"),
    # hazards
    "inspections:hazard_detail": Probe("hazard"),
    "inspections:hazard_start": _post("hazard"),
    "inspections:hazard_rectify": _post(
        "hazard", lambda: {"note": "已清理", "after_photo": png_upload()}
    ),
    "inspections:hazard_verify": _post("hazard", lambda: {"note": "合格"}),
    "inspections:hazard_reject": _post(
        "hazard", lambda: {"reason": "未整改到位", "deadline": _in_a_week()}
    ),
    "inspections:hazard_photo": Probe("hazard", args=lambda obj, key: [key, "before"]),
    # dispute cases
    "disputes:case_detail": Probe("case"),
    "disputes:agreement": Probe("case"),
    "disputes:case_print": Probe("case"),
    "disputes:case_accept": _post(
        "case", lambda: {"leader": "", "handler": "", "plan": "调解", "deadline": _in_a_week()}
    ),
    "disputes:case_session": _post(
        "case", lambda: {"held_on": _today().isoformat(), "mediators": "张", "agreed": "和解"}
    ),
    "disputes:case_resolve": _post(
        "case",
        lambda: {"outcome": "和解", "agreement_reached": "on", "agreement_file": pdf_upload()},
    ),
    "disputes:case_close": _post("case", lambda: {"referred_to": "court", "where": "法院"}),
    "disputes:case_withdraw": _post("case", lambda: {"reason": "撤回"}),
    "disputes:case_escalate": _post("case", lambda: {"reason": "上报"}),
    "disputes:case_reassign": _post(
        "case", lambda: {"leader": "", "handler": "", "reason": "调整"}
    ),
    "disputes:case_deadline": _post("case", lambda: {"deadline": _in_a_week(), "reason": "延期"}),
    "disputes:case_visit": _post(
        "case", lambda: {"visited_on": _today().isoformat(), "satisfaction": "satisfied"}
    ),
    "disputes:case_party": _post("case", lambda: {"role": "third", "name": "孙三"}),
    # campaign activities (B1's in the compound, B2's of its whole community) and their photos
    "patrols:group_compound": Probe("compound", key="code"),
    "patrols:group_new": Probe("compound", key="code"),
    "patrols:group_propose": Probe("compound", key="code"),
    "patrols:group_detail": Probe("watch_group"),
    "patrols:group_edit": Probe("watch_group"),
    "patrols:group_dissolve": _post("watch_group"),
    "communities:activity_detail": Probe("activity"),
    "communities:activity_edit": Probe("activity"),
    "communities:activity_delete": _post("activity"),
    "communities:activity_photo_add": _post("activity", lambda: {"photos": png_upload()}),
    "communities:activity_photo": Probe("activity_photo"),
    "communities:activity_photo_thumbnail": Probe("activity_photo"),
    "communities:activity_photo_remove": _post("activity_photo"),
    # 物防/技防 facilities: the compound's page and the entrance and facility pages and actions
    "patrols:facility_compound": Probe("compound", key="code"),
    "patrols:facility_entrance_add": _post(
        "compound", lambda: {"name": "探针门", "kind": "both"}, key="code"
    ),
    "patrols:facility_add": _post(
        "compound",
        lambda: {"kind": "perimeter", "location": "perimeter", "quantity": 1},
        key="code",
    ),
    "patrols:facility_entrance_edit": _post("entrance", lambda: {"name": "改名", "kind": "both"}),
    "patrols:facility_entrance_delete": _post("entrance"),
    "patrols:facility_edit": _post(
        "facility", lambda: {"kind": "camera", "location": "perimeter", "quantity": 2}
    ),
    "patrols:facility_delete": _post("facility"),
    "patrols:facility_out_of_service": _post("facility"),
    "patrols:facility_repaired": _post("facility"),
    # patrol teams (company B's guards covering the compound), their members and patrol logs
    "patrols:team_detail": Probe("patrol_team"),
    "patrols:team_edit": _post("patrol_team", lambda: {"kind": "guards", "name": "改名"}),
    "patrols:team_member_add": _post("patrol_team", lambda: {"name": "探针", "category": "guard"}),
    "patrols:team_plan": Probe("patrol_team"),
    "patrols:patrol_log_new": Probe("patrol_team"),
    "patrols:patrol_start": _post("patrol_team"),
    "patrols:team_member_leave": _post("team_member"),
    "patrols:patrol_detail": Probe("patrol_log"),
    "patrols:patrol_end": _post("patrol_log"),
    "patrols:patrol_finding_add": _post("patrol_log", lambda: {"finding": "探针"}),
    # residents (以房管人): a compound's households, a household's page and forms, a resident's
    "communities:compound_households": Probe("compound", key="code"),
    "communities:household_detail": Probe("household"),
    "communities:resident_add": _post(
        "household",
        lambda: {"name": "探针", "id_number": f.valid_id_number(901), "kind": "registered"},
    ),
    "communities:household_occupancy": _post("household", lambda: {"occupancy": "vacant"}),
    "communities:resident_edit": _post("resident", lambda: {"kind": "registered"}),
    "communities:resident_delete": _post("resident"),
    "communities:resident_move_out": _post("resident", lambda: {"moved_out": _today().isoformat()}),
    # monthly reports: street 2's (B1's street) is not street 1's office's
    "reports:report_detail": Probe("monthly_report"),
    "reports:report_download": Probe("monthly_report", args=lambda obj, key: [key, "xlsx"]),
    "reports:report_regenerate": _post("monthly_report"),
    "reports:report_publish": _post("monthly_report"),
    # export jobs: a user's own, whatever the role
    "communities:export_job": Probe("export_job", seen_by="manager_b"),
    "communities:export_download": Probe("export_job", seen_by="manager_b"),
}

# Every model in the admin: the world's object outside the scope. Its change, delete, history,
# auditlog and custom id-taking URLs are all asked, by GET and by POST.
ADMIN_OBJECTS = {
    cm.District: "district",
    cm.Street: "street",
    cm.Community: "community",
    cm.Compound: "compound",
    cm.PropertyCompany: "company",
    cm.ManagementTerm: "term",
    cm.Household: "household",
    cm.Resident: "resident",
    cm.Activity: "activity",
    WatchGroup: "watch_group",
    cm.Organisation: "organisation",
    cm.Membership: "membership",
    get_user_model(): "member",
    im.Inspection: "inspection",
    im.Answer: "answer",
    im.Evidence: "evidence",
    im.InspectionEvent: "inspection_event",
    im.Hazard: "hazard",
    im.HazardEvent: "hazard_event",
    im.KeyManagement: "key_management",
    DisputeCase: "case",
    "patrols.Entrance": "entrance",
    "patrols.Facility": "facility",
    "patrols.PatrolTeam": "patrol_team",
    "patrols.PatrolLog": "patrol_log",
    "communities.AuditEntry": "log_entry",
    "reports.MonthlyReport": "monthly_report",
    "reports.CircularTemplate": "circular_template",
}

# No compound behind these: the same for every district by design.
UNSCOPED_MODELS = {
    "auth.Group": "roles are groups, the same everywhere; only operators edit them",
    "django_celery_beat.PeriodicTask": "the schedule of the jobs; operators only",
    "django_celery_beat.ClockedSchedule": "the schedule of the jobs; operators only",
    "django_celery_beat.CrontabSchedule": "the schedule of the jobs; operators only",
    "django_celery_beat.SolarSchedule": "the schedule of the jobs; operators only",
    "django_celery_beat.IntervalSchedule": "the schedule of the jobs; operators only",
    CalendarDay: "the national holiday calendar, the same for every district",
    im.ChecklistTemplate: "the checklist standard is global: every compound uses one version",
    im.ChecklistSection: "part of the global checklist standard",
    im.ChecklistItem: "part of the global checklist standard",
}
UNSCOPED_URLS = {
    "communities:export_begin": "its key names an exporter (a kind of export), not a row; the "
    "rows come from the exporter's visible_to",
    "communities:guide_page": "its name is a page of the user guide (docs/user-guide/), public "
    "documentation that holds no data",
}


def _label(model) -> str:
    if isinstance(model, str):
        return model
    return model._meta.label


ADMIN_TABLE = {_label(model): obj for model, obj in ADMIN_OBJECTS.items()}
UNSCOPED_TABLE = {_label(model): reason for model, reason in UNSCOPED_MODELS.items()}


def _admin_body(name: str, obj) -> dict:
    """A plausible POST: the confirmation of a delete, a new password, the object's own values."""
    if name.endswith("_delete"):
        return {"post": "yes"}
    if name.endswith("_password_change"):
        return {"password1": "Guard-2026-Probe!", "password2": "Guard-2026-Probe!"}
    values = {}
    for key, value in model_to_dict(obj).items():
        if value is None or isinstance(value, models.fields.files.FieldFile):
            continue
        if isinstance(value, list):
            value = [getattr(v, "pk", v) for v in value]
        values[key] = value
    return {**values, "_save": "Save"}


# Admin URLs where even an operator gets the same answer for every id (no control possible).
NO_CONTROL = {
    "admin:communities_auditentry_delete": "nobody may delete an audit entry: 403 for every id",
}


def _admin_probes() -> dict[str, list[Probe]]:
    probes = {}
    for model, names in admin_object_urls().items():
        obj = ADMIN_TABLE.get(model._meta.label)
        if obj is None:
            continue
        for name in names:
            seen_by = "" if name in NO_CONTROL else "operator"
            probes[name] = [
                Probe(obj, args=lambda o, key: [quote(key)], seen_by=seen_by),
                Probe(obj, method="post", args=lambda o, key: [quote(key)], seen_by=seen_by),
            ]
    return probes


def _probes() -> dict[str, list[Probe]]:
    return {**{name: [probe] for name, probe in WORKBENCH.items()}, **_admin_probes()}


def _uncovered() -> list[str]:
    unscoped_admin = {
        name
        for model, names in admin_object_urls().items()
        if model._meta.label in UNSCOPED_TABLE
        for name in names
    }
    covered = set(_probes()) | set(UNSCOPED_URLS) | unscoped_admin
    return sorted(set(id_taking_urls()) - covered)


GUARDED = sorted(set(_probes()) & set(id_taking_urls()))

# Leaks found by this guard and not fixed yet: URL → (who, what happens). Strict: the test fails
# once the leak is fixed, and the entry must go.
STAFF = {"street", "community", "manager_a", "viewer_a"}
KNOWN_LEAKS: dict[str, tuple[tuple[str, ...], str]] = {}


def _matrix():
    for name in GUARDED:
        kind = _probes()[name][0].obj
        for where, members in MUST_NOT_SEE.items():
            if where != "B1" and kind not in IN_EACH_COMPOUND:
                continue
            for who in members:
                leak_for, reason = KNOWN_LEAKS.get(name, ((), ""))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if who in leak_for else []
                yield pytest.param(name, where, who, marks=marks, id=f"{name}-{where}-{who}")


# The world: the cast, and one object of each kind outside the scope ---------------------------


def _compound_objects(city, code: str) -> SimpleNamespace:
    """Company B's records in one of its compounds, walked through the services: a submitted
    self-check with evidence (photo and thumbnail), a hazard reported rectified (both photos),
    key management, and a dispute case resolved with an agreement file."""
    today = _today()
    compound = city.compounds[code]
    check = inspection_services.inspection_open(
        compound=compound, period=month_start(today), actor=city.manager_b
    )
    fill_check(check, city.manager_b)
    check = inspection_services.inspection_submit(inspection=check, actor=city.manager_b)
    evidence = im.Evidence.objects.filter(answer__inspection=check).exclude(thumbnail="").first()
    hazard = inspection_services.hazard_raise(
        compound=compound,
        actor=city.bureau,
        category="fire",
        description="电线私拉",
        responsible_party="乙物业公司",
        deadline=today + datetime.timedelta(days=30),
        photo=png_upload(),
    )
    hazard = inspection_services.hazard_rectify(
        hazard=hazard, actor=city.manager_b, note="已整改", after_photo=png_upload()
    )
    key_management = inspection_services.key_management_enter(
        compound=compound, actor=city.bureau, reason="隐患逾期未整改"
    )
    case = accept(register(city, city.manager_b, code), city.manager_b)
    case = dispute_services.case_resolve(
        case=case,
        actor=city.manager_b,
        outcome="双方和解",
        agreement_reached=True,
        agreement_file=pdf_upload(),
    )

    # B1's activity is the compound's; B2's is its whole community's (community 2, street 1).
    if code == "B1":
        activity = record_activity(city.manager_b, compound=compound)
    else:
        activity = record_activity(city.street, community=compound.community)
    activity_photo = activity_services.activity_photo_add(
        activity=activity, actor=city.bureau, upload=png_upload()
    )

    neighbours = [city.households[code]] + [f.HouseholdFactory(compound=compound) for _ in range(4)]
    watch_group = group_services.group_create(
        actor=city.manager_b,
        compound=compound,
        spec=group_services.GroupSpec(households=neighbours),
    )

    entrance = facility_gate(compound, "西门")
    facility = entrance.facilities.first()

    # Company B's guards covering the compound, a member, and a patrol with a finding.
    patrol_team = team_services.team_create(
        actor=city.manager_b,
        organisation=city.org.company_b,
        kind="guards",
        name=f"乙物业{code}保安队",
        compounds=[compound],
        leader_name="孙八方",
    )
    team_member = team_services.member_add(
        team=patrol_team,
        actor=city.manager_b,
        name="周九",
        category="guard",
        joined_on=_today() - datetime.timedelta(days=30),
    )
    started = timezone.now() - datetime.timedelta(hours=3)
    patrol_log = patrol_services.patrol_log(
        team=patrol_team,
        actor=city.manager_b,
        started_at=started,
        ended_at=started + datetime.timedelta(hours=1),
        compounds=[compound],
        members=[team_member],
    )
    patrol_services.finding_add(
        log=patrol_log, actor=city.manager_b, compound=compound, description="路灯不亮"
    )

    resident = f.ResidentFactory(household=city.households[code], name="乙住户")
    # A change to the compound for its audit entry (the cast is built without any).
    compound.address = f"{compound.address}（核实）"
    compound.save(update_fields=["address"])

    return SimpleNamespace(
        resident=resident,
        patrol_team=patrol_team,
        team_member=team_member,
        patrol_log=patrol_log,
        compound=compound,
        entrance=entrance,
        facility=facility,
        community=compound.community,
        activity=activity,
        activity_photo=activity_photo,
        watch_group=watch_group,
        term=cm.ManagementTerm.objects.get(compound=compound, company=city.company_b),
        household=city.households[code],
        inspection=check,
        answer=evidence.answer,
        evidence=evidence,
        inspection_event=im.InspectionEvent.objects.filter(inspection=check).first(),
        hazard=hazard,
        hazard_event=im.HazardEvent.objects.filter(hazard=hazard).first(),
        key_management=key_management,
        case=case,
        log_entry=cm.AuditEntry.objects.get_for_object(compound).first(),
    )


def _circular_words() -> dict:
    return {k: v for k, v in DEFAULT_CIRCULAR.items() if k != "title"}


def _build_world() -> SimpleNamespace:
    city = cast.city.__wrapped__(None)  # the fixture's own function: the same cast, built once
    b1 = city.compounds["B1"]
    street2 = city.streets[1]
    operator = f.UserFactory(username="operator", is_superuser=True, is_staff=True)

    # The register: another district, street 2's office and its member, a company that ran B1.
    district = f.DistrictFactory(code="110106", name="海淀示范区")
    company = f.PropertyCompanyFactory(name="丙物业公司", district=city.district)
    f.ManagementTermFactory(
        compound=b1,
        company=company,
        start=datetime.date(2018, 1, 1),
        end=datetime.date(2019, 12, 31),
    )
    organisation = f.OrganisationFactory(
        name="建设街道办事处", kind=cm.OrganisationKind.STREET_OFFICE, street=street2
    )
    member = f.UserFactory(username="street2")
    membership_set(user=member, organisation=organisation, role=cm.Role.ADMIN)

    # A finished export of manager B's.
    export_job = cm.ExportJob(
        user=city.manager_b,
        exporter="hazards",
        status=cm.ExportStatus.DONE,
        row_count=1,
        finished_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    export_job.file.save("hazards.xlsx", ContentFile(b"PK\x03\x04guard"), save=False)
    export_job.save()

    # Street 2's monthly report, built: its files exist.
    monthly_report = MonthlyReport(
        district=city.district,
        street=street2,
        month=previous_month(_today()),
        status=ReportStatus.READY,
    )
    monthly_report.workbook.save("report.xlsx", ContentFile(b"PK\x03\x04guard"), save=False)
    monthly_report.circular.save("report.docx", ContentFile(b"PK\x03\x04guard"), save=False)
    monthly_report.save()

    # The bureau's own words for its district's circulars.
    circular_template = CircularTemplate.objects.create(
        district=city.district, version=99, title="区住建局的通报", **_circular_words()
    )

    far = _compound_objects(city, "B1")
    far.__dict__.update(
        monthly_report=monthly_report,
        circular_template=circular_template,
        district=district,
        street=street2,
        company=company,
        organisation=organisation,
        membership=cm.Membership.objects.get(user=member),
        member=member,
        export_job=export_job,
    )
    return SimpleNamespace(city=city, operator=operator, B1=far, B2=_compound_objects(city, "B2"))


@pytest.fixture(scope="module")
def media_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("guard-media")


@pytest.fixture(autouse=True)
def media_root(settings, media_folder):
    """The module's files (evidence, photos, agreement, export) stay where they were written."""
    settings.MEDIA_ROOT = media_folder
    return media_folder


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media_folder):
    with (
        override_settings(MEDIA_ROOT=media_folder),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield _build_world()
        transaction.set_rollback(True)


@pytest.fixture
def objects(world, db):
    return world


def _user(world, who: str):
    return world.operator if who == "operator" else getattr(world.city, who)


def _ask(client, probe: Probe, name: str, obj, key) -> tuple:
    url = probe.url(name, obj, key)
    if probe.method == "get":
        response = client.get(url)
    elif probe.body is None:
        response = client.post(url, _admin_body(name, obj))
    else:
        response = client.post(url, probe.body())
    return comparable(response, url)


def _keys(probe: Probe, obj) -> tuple:
    there = getattr(obj, probe.key)
    missing = MISSING[probe.key]
    assert not type(obj)._base_manager.filter(**{probe.key: missing}).exists()
    return there, missing


# The tests ------------------------------------------------------------------------------------


def test_every_object_url_is_guarded():
    uncovered = _uncovered()
    assert not uncovered, (
        "URLs that take an object id but are in no isolation table: add each to WORKBENCH, "
        "ADMIN_OBJECTS or an unscoped-on-purpose set (with the reason) in "
        f"tests/test_url_guard.py: {', '.join(uncovered)}"
    )


def test_the_tables_name_only_what_exists():
    found = set(id_taking_urls())
    stale = sorted((set(WORKBENCH) | set(UNSCOPED_URLS)) - found)
    assert not stale, f"no such id-taking URL any more: {', '.join(stale)}"
    registered = {model._meta.label for model in admin_object_urls()}
    stale_models = sorted((set(ADMIN_TABLE) | set(UNSCOPED_TABLE)) - registered)
    assert not stale_models, f"not in the admin any more: {', '.join(stale_models)}"


def test_the_objects_lie_outside_the_scope_of_every_member_who_must_not_see_them(objects):
    kinds = set(ADMIN_TABLE.values()) | {p.obj for p in WORKBENCH.values()}
    for where, members in MUST_NOT_SEE.items():
        place = getattr(objects, where)
        for kind in sorted(kinds if where == "B1" else IN_EACH_COMPOUND):
            obj = getattr(place, kind)
            assert obj is not None and obj.pk is not None, (where, kind)
            for who in members:
                if who == "anonymous":
                    continue  # asks without logging in: nothing to scope
                visible = scoped_queryset(type(obj), _user(objects, who))
                assert not visible.filter(pk=obj.pk).exists(), (where, kind, who)


def _controls():
    for name in GUARDED:
        probe = _probes()[name][0]  # GET first: the control reads, it never acts
        if probe.method != "get" or not probe.seen_by:
            continue
        for where in MUST_NOT_SEE:
            if where == "B1" or probe.obj in IN_EACH_COMPOUND:
                yield pytest.param(name, where, id=f"{name}-{where}")


@pytest.mark.parametrize(("name", "where"), list(_controls()))
def test_the_object_is_real_for_someone_in_scope(client, objects, name, where):
    """The control: asked by someone who reaches the object, the URL tells it from a missing
    id, so the 404s below come from the scope and not from a broken probe."""
    probe = _probes()[name][0]
    obj = getattr(getattr(objects, where), probe.obj)
    there, missing = _keys(probe, obj)
    client.force_login(_user(objects, probe.seen_by))
    found = _ask(client, probe, name, obj, there)
    assert found != _ask(client, probe, name, obj, missing)
    assert found[0] in (200, 403), found[:3]


@pytest.mark.parametrize(("name", "where", "who"), list(_matrix()))
def test_an_object_out_of_scope_is_answered_as_a_missing_id(client, objects, name, where, who):
    if who != "anonymous":
        client.force_login(getattr(objects.city, who))
    for probe in _probes()[name]:
        obj = getattr(getattr(objects, where), probe.obj)
        there, missing = _keys(probe, obj)
        before = database_fingerprint(obj) if probe.method == "post" else None
        answer = _ask(client, probe, name, obj, there)
        if before is not None:
            assert database_fingerprint(obj) == before, "the POST wrote something"
        expected = _ask(client, probe, name, obj, missing)
        assert answer == expected, (
            f"{probe.method.upper()} answers {answer[0]} for {where}'s object and "
            f"{expected[0]} for a missing id"
        )
        status, _type, location, _body = answer
        if status == 302:  # no access at all: sent to log in, whatever the id
            assert location.startswith((f"{LOGIN}?".encode(), f"{ADMIN_LOGIN}?".encode()))
        else:
            assert status in (404, 403), f"{probe.method.upper()} answers {status}"
