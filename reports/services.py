"""Monthly reports: request, build (from the Celery task), publish, regenerate, re-send.

Reliable as ``communities.exports.services`` is, with a row lock for the claim:
- the row is saved before the task is sent (on commit); a broker that is down leaves it pending
  for the sweep (``reports_resend``), which also re-sends a message lost on the way;
- the build claims the row under ``SELECT … FOR UPDATE``: pending (or running, abandoned by a
  dead worker past the hard time limit) becomes running; a second delivery, or a second
  request of the same report, finds it taken and does nothing;
- files are written to temporary names beside their final place, hashed, then moved in with
  ``os.replace``; the row is marked ready with its files and hashes by an UPDATE that only
  the run holding the claim can make, and its figures written in the same transaction
  (``reports.stored``);
- a transient database error is raised again for the task to retry with backoff (the row goes
  back to pending); any other error marks the report failed with a readable reason, and it can
  be retried.

A published report never changes: no run builds it again; regenerating its month makes a new
version, and the old files stay where they are.
"""

from __future__ import annotations

import datetime
import logging
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.db.utils import InterfaceError, OperationalError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.acting import members_acting_in
from communities.models import Compound, District, Organisation, OrganisationKind, Street
from communities.months import month_of, next_month, previous_month
from communities.notifications import notify
from communities.scoping import scope_for
from communities.uploads import file_sha256
from communities.workflow import WorkflowError, require

from .circular import placeholder_values, write_circular
from .default_circular import DEFAULT_CIRCULAR
from .figures import COMPOUND, STREET, report_figures
from .models import CircularTemplate, MonthlyReport, ReportStatus, report_path
from .stored import json_bytes, write_figures
from .workbook import write_workbook

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
STALE_MARGIN = datetime.timedelta(minutes=5)
TRANSIENT = (OperationalError, InterfaceError)
MSG_FAILED = _("The report could not be built: {error}")
MSG_ABANDONED = _(
    "The report was interrupted several times (the background process building it stopped). "
    "Retry it later."
)
MSG_NOT_READY = _("Only a report that is ready can be published.")
MSG_MONTH_RUNNING = _("The month is not over yet: its report can be published from the 1st.")
MSG_BUILT_EARLY = _(
    "This report was built before its month ended: build it again with the whole month first."
)
MSG_FUTURE = _("A report can be requested for this month or an earlier one.")
MSG_OUT_OF_SCOPE = _("You may not request reports for this place.")
NOTICE_PUBLISHED = "report_published"


# Scopes ---------------------------------------------------------------------------------------


def scope_compounds(district: District, street: Street | None = None):
    """The compounds a report covers: the district's, or one street's."""
    if street is not None:
        return Compound.objects.filter(community__street=street)
    return Compound.objects.filter(community__street__district=district)


def may_request_any(user) -> bool:
    """Whether the user may ask for some report (no query once the scope is cached)."""
    scope = scope_for(user)
    return user.has_perm("reports.add_monthlyreport") and bool(
        scope.everything or scope.district_ids or scope.street_ids
    )


def requestable_districts(user) -> QuerySet[District]:
    """The districts whose own report the user may ask for: a bureau its district (an operator
    every district), with ``reports.add_monthlyreport``."""
    if not user.has_perm("reports.add_monthlyreport"):
        return District.objects.none()
    scope = scope_for(user)
    if scope.everything:
        return District.objects.all()
    return District.objects.filter(pk__in=scope.district_ids)


def requestable_streets(user) -> QuerySet[Street]:
    """The streets whose report the user may ask for: every street of those districts, and a
    street office its own."""
    if not user.has_perm("reports.add_monthlyreport"):
        return Street.objects.none()
    own = Q(pk__in=scope_for(user).street_ids)
    return Street.objects.filter(Q(district__in=requestable_districts(user)) | own)


def may_request(user, district: District, street: Street | None) -> bool:
    """Whether the user may ask for (or rebuild) this scope's reports; one query."""
    if street is not None:
        streets = requestable_streets(user).filter(pk=street.pk, district_id=district.pk)
        return streets.exists()
    return requestable_districts(user).filter(pk=district.pk).exists()


# Request, regenerate ------------------------------------------------------------------------


def report_request(
    *,
    user,
    district: District,
    street: Street | None = None,
    month: datetime.date,
    send: bool = True,
) -> MonthlyReport:
    """The report of the scope and month: the latest version if there is one (a failed one is
    tried again), else a new one, built in the background. Asking twice gives one report.
    ``user`` None is the monthly schedule; ``send=False`` leaves the build to the caller (the
    demo builds in-process)."""
    month = month_of(month)
    if month > month_of(timezone.localdate()):
        raise WorkflowError(MSG_FUTURE)
    if user is not None and not may_request(user, district, street):
        raise PermissionDenied(MSG_OUT_OF_SCOPE)
    with transaction.atomic():
        latest = _latest(district, street, month, lock=True)
        if latest is not None:
            if latest.status == ReportStatus.FAILED or built_too_early(latest):
                _reset(latest)
            return latest
        try:
            with transaction.atomic():
                report = MonthlyReport.objects.create(
                    district=district, street=street, month=month, requested_by=user
                )
        except IntegrityError:  # the same request, a moment earlier
            return _latest(district, street, month)
        if send:
            transaction.on_commit(lambda: report_send(report.pk))
        return report


def built_too_early(report: MonthlyReport, today: datetime.date | None = None) -> bool:
    """A ready report built while its month still ran, now over: its figures miss the rest
    of the month, so asking for it again (the 1st's job too) builds it again."""
    if report.status != ReportStatus.READY or not report.figures.get("built_on"):
        return False
    month_end = next_month(report.month) - datetime.timedelta(days=1)
    built_on = datetime.date.fromisoformat(report.figures["built_on"])
    return built_on <= month_end < (today or timezone.localdate())


def _latest(district, street, month, *, lock: bool = False) -> MonthlyReport | None:
    reports = MonthlyReport.objects.of_scope(district, street).filter(month=month)
    if lock:
        reports = reports.select_for_update(of=("self",))
    return reports.order_by("-version").first()


def _reset(report: MonthlyReport) -> None:
    """A failed or ready report built again, same version (not published: nothing to keep)."""
    MonthlyReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.PENDING, attempts=0, error="", sent_at=None, started_at=None
    )
    report.refresh_from_db()
    transaction.on_commit(lambda: report_send(report.pk))


def report_regenerate(*, user, report: MonthlyReport) -> MonthlyReport:
    """Build the month again with today's data: a published report gets a new version (the
    old one is kept, frozen); a ready or failed one is rebuilt in place; one being built is
    left to finish."""
    if user is not None and not may_request(user, report.district, report.street):
        raise PermissionDenied(MSG_OUT_OF_SCOPE)
    with transaction.atomic():
        latest = _latest(report.district, report.street, report.month, lock=True)
        if latest.status in (ReportStatus.READY, ReportStatus.FAILED):
            _reset(latest)
            return latest
        if latest.status != ReportStatus.PUBLISHED:
            return latest
        try:
            with transaction.atomic():
                new = MonthlyReport.objects.create(
                    district=report.district,
                    street=report.street,
                    month=report.month,
                    version=latest.version + 1,
                    requested_by=user,
                )
        except IntegrityError:  # the same click, a moment earlier
            return _latest(report.district, report.street, report.month)
        transaction.on_commit(lambda: report_send(new.pk))
        return new


def report_send(report_id: int) -> None:
    from reports.tasks import build_report

    try:
        build_report.delay(report_id)
    except Exception:  # the broker is down: the sweep sends it later
        logger.warning("report %s not sent; the sweep will retry", report_id, exc_info=True)
    else:
        MonthlyReport.objects.filter(pk=report_id).update(sent_at=timezone.now())


# Build --------------------------------------------------------------------------------------


def _stale_before(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(seconds=settings.REPORT_TIME_LIMIT) - STALE_MARGIN


def _claim(report_id: int) -> int | None:
    """Take the report under a row lock; the attempt number this run holds, or None when
    another run has it, it is built, or it was tried too often."""
    now = timezone.now()
    with transaction.atomic():
        report = MonthlyReport.objects.select_for_update(of=("self",)).filter(pk=report_id).first()
        if report is None:
            return None
        abandoned = report.status == ReportStatus.RUNNING and report.started_at < _stale_before(now)
        if report.status != ReportStatus.PENDING and not abandoned:
            return None
        if report.attempts >= MAX_ATTEMPTS:
            report.status, report.finished_at = ReportStatus.FAILED, now
            report.error = str(MSG_ABANDONED)
            report.save(update_fields=["status", "finished_at", "error"])
            return None
        report.status, report.started_at = ReportStatus.RUNNING, now
        report.attempts += 1
        report.save(update_fields=["status", "started_at", "attempts"])
        return report.attempts


def circular_template_in_force(district: District | None = None) -> CircularTemplate:
    """The circular's words in force for a district's reports: its own newest version, else the
    installation's default. Migration 0002 loads the first default; a database emptied since
    (a flush) gets it back here rather than a report without words."""
    found = CircularTemplate.objects.in_force_for(district).first()
    if found is None:
        found, _ = CircularTemplate.objects.get_or_create(version=1, defaults=DEFAULT_CIRCULAR)
    return found


def _file_names(report: MonthlyReport) -> tuple[str, str]:
    """Names no other run uses (the version and a random part): a run that outlived its claim
    can never write over the files of the run that holds it, or of a published report."""
    place = f"street-{report.street_id}" if report.street_id else "district"
    stem = f"{place}-{report.month:%Y-%m}-v{report.version}-{secrets.token_hex(4)}"
    return report_path(report, f"{stem}.xlsx"), report_path(report, f"{stem}.docx")


def _delete_files(names) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def download_name(report: MonthlyReport, suffix: str) -> str:
    """What the browser saves: «城关街道2026年11月平安小区创建情况-v1.xlsx»."""
    return f"{report.scope_name}{report.month:%Y年%m月}平安小区创建情况-v{report.version}.{suffix}"


def issuer_of(report: MonthlyReport) -> str:
    """填报单位: the organisation whose report it is (the bureau, or the street office)."""
    if report.street_id:
        found = Organisation.objects.filter(
            kind=OrganisationKind.STREET_OFFICE, street_id=report.street_id
        ).first()
        return found.name if found else f"{report.street.name}办事处"
    found = Organisation.objects.filter(
        kind=OrganisationKind.BUREAU, district_id=report.district_id
    ).first()
    return found.name if found else report.district.name


def _write_files(report: MonthlyReport, figures: dict, template, today) -> dict:
    """Both files written beside their final place, hashed, moved in; their names and hashes."""
    names = _file_names(report)
    finals = [Path(default_storage.path(name)) for name in names]
    temps = [final.with_name(f".{final.name}.part") for final in finals]
    finals[0].parent.mkdir(parents=True, exist_ok=True)
    try:
        issuer = issuer_of(report)
        write_workbook(temps[0], figures, scope_name=report.scope_name, issuer=issuer, day=today)
        values = placeholder_values(
            figures,
            scope_name=report.scope_name,
            district_name=report.district.name,
            issued_on=today,
        )
        write_circular(temps[1], figures, template, values)
        hashes = [file_sha256(temp) for temp in temps]
        for temp, final in zip(temps, finals, strict=True):
            os.replace(temp, final)
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)
    return {
        "workbook": names[0],
        "workbook_sha256": hashes[0],
        "circular": names[1],
        "circular_sha256": hashes[1],
    }


def _build(report: MonthlyReport, today: datetime.date) -> tuple:
    """The template, the files written, and the figures as the JSON to store: the figures'
    dicts (a province's run holds tens of MB of them) are freed on return, before the row's
    UPDATE sends the JSON, so the two never weigh on the worker's memory at once."""
    level = COMPOUND if report.street_id else STREET
    compounds = scope_compounds(report.district, report.street)
    figures = report_figures(compounds, report.month, level, today)
    template = circular_template_in_force(report.district)
    files = _write_files(report, figures, template, today)
    return template, files, json_bytes(figures)


def report_build(*, report_id: int) -> bool:
    """Build the report's figures and files; False when this run did not claim it."""
    attempt = _claim(report_id)
    if attempt is None:
        return False
    report = MonthlyReport.objects.select_related("district", "street").get(pk=report_id)
    mine = MonthlyReport.objects.filter(pk=report_id, status=ReportStatus.RUNNING, attempts=attempt)
    today = timezone.localdate()
    try:
        template, files, figures = _build(report, today)
    except TRANSIENT:
        logger.warning("report %s: transient error; retrying", report_id, exc_info=True)
        mine.update(status=ReportStatus.PENDING, attempts=F("attempts") - 1)
        raise
    except Exception as exc:
        logger.exception("report %s failed", report_id)
        text = str(exc).strip()[:300] or type(exc).__name__
        mine.update(
            status=ReportStatus.FAILED,
            finished_at=timezone.now(),
            error=str(MSG_FAILED).format(error=text),
        )
        return True
    earlier = (report.workbook.name, report.circular.name)
    with transaction.atomic():
        kept = mine.update(
            status=ReportStatus.READY,
            circular_template=template,
            finished_at=timezone.now(),
            error="",
            **files,
        )
        if kept:
            write_figures(report_id, figures)
    if kept:  # the files of an earlier build of this unpublished version go
        _delete_files(earlier)
    else:  # another run took the report over: ours are nobody's
        _delete_files((files["workbook"], files["circular"]))
    return True


# Publish --------------------------------------------------------------------------------------


def report_publish(*, user, report: MonthlyReport) -> MonthlyReport:
    """Freeze a ready report; the district's tells the street offices of the district."""
    require(user, "reports.publish_monthlyreport")
    scope = scope_for(user)
    if not (scope.everything or report.district_id in scope.district_ids):
        raise PermissionDenied(MSG_OUT_OF_SCOPE)
    with transaction.atomic():
        locked = MonthlyReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
        if locked.status != ReportStatus.READY:
            raise WorkflowError(MSG_NOT_READY)
        if locked.month >= month_of(timezone.localdate()):
            raise WorkflowError(MSG_MONTH_RUNNING)
        if built_too_early(locked):
            raise WorkflowError(MSG_BUILT_EARLY)
        locked.status = ReportStatus.PUBLISHED
        locked.published_at, locked.published_by = timezone.now(), user
        locked.save(update_fields=["status", "published_at", "published_by"])
        if locked.is_district:
            _tell_streets(locked)
    return locked


def _tell_streets(report: MonthlyReport) -> None:
    offices = Organisation.objects.filter(
        kind=OrganisationKind.STREET_OFFICE, street__district_id=report.district_id
    )
    notify(
        users=members_acting_in(offices),
        kind=NOTICE_PUBLISHED,
        params={"scope": report.scope_name, "month": f"{report.month:%Y-%m}"},
        url=reverse("reports:report_detail", args=[report.pk]),
        dedup_key=f"report_published:{report.pk}",
    )


# The monthly schedule and the sweep -----------------------------------------------------------


def monthly_reports_request(*, today: datetime.date | None = None) -> list[MonthlyReport]:
    """The 1st's job: last month's report of every district and of each of its streets (run
    twice, it finds them and adds none)."""
    month = previous_month(today or timezone.localdate())
    made = []
    for district in District.objects.order_by("code"):
        made.append(report_request(user=None, district=district, month=month))
        for street in district.streets.order_by("code"):
            made.append(report_request(user=None, district=district, street=street, month=month))
    return made


def reports_resend(*, now: datetime.datetime | None = None) -> int:
    """The sweep: re-send reports pending longer than ``REPORT_RESEND_AFTER_MINUTES`` that were
    never handed to the broker, or whose message was lost; take up those a dead worker
    abandoned; fail those abandoned ``MAX_ATTEMPTS`` times."""
    now = now or timezone.now()
    stale = _stale_before(now)
    abandoned = MonthlyReport.objects.filter(status=ReportStatus.RUNNING, started_at__lt=stale)
    abandoned.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=ReportStatus.FAILED, finished_at=now, error=str(MSG_ABANDONED)
    )
    abandoned.filter(attempts__lt=MAX_ATTEMPTS).update(status=ReportStatus.PENDING, sent_at=None)
    older = now - datetime.timedelta(minutes=settings.REPORT_RESEND_AFTER_MINUTES)
    waiting = MonthlyReport.objects.filter(status=ReportStatus.PENDING, requested_at__lt=older)
    ids = list(
        waiting.filter(Q(sent_at__isnull=True) | Q(sent_at__lt=stale)).values_list("pk", flat=True)
    )
    for report_id in ids:
        report_send(report_id)
    return len(ids)
