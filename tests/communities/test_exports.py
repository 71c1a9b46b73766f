"""The shared export path (communities.exports): the spreadsheet's format, export jobs (claim
once, progress, SHA-256, no temporary file left, failure, purge, re-send) and the views (only
the owner sees a job; small exports answer at once, big ones become a job)."""

import datetime
import hashlib
import io
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from communities import tasks
from communities.exports import DATE, DATETIME, NUMBER, Column, Exporter, Feed, Sheet, register
from communities.exports import services as s
from communities.exports.base import ExportContext, describe_scope
from communities.exports.writer import INFO_SHEET, NO_FILTER, write_xlsx
from communities.models import Compound, ExportJob, ExportStatus

DANGEROUS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\tcmd", "\rcmd"]
SHANGHAI = ZoneInfo("Asia/Shanghai")


class CompoundsExporter(Exporter):
    """A small exporter of the register's compounds, for these tests only."""

    key = "tests.compounds"
    title = "测试小区"
    permission = "communities.export_compound"
    filename = "test-compounds"
    formats = ("xlsx", "csv")
    #: filled by a test that wants to see progress saved while rows are written
    seen_progress: list = []

    def queryset(self, ctx):
        rows = Compound.objects.visible_to(ctx.user).order_by("code")
        if ctx.params.get("query") == "fail":
            raise ValueError("磁盘已满")
        code = ctx.params.get("code")
        return rows.filter(code=code) if code else rows

    def sheets(self, ctx):
        return [
            Sheet(
                "小区",
                [
                    Column("小区编码", 10),
                    Column("名称", 30),
                    Column("户数", 8, NUMBER),
                    Column("登记日期", 12, DATE),
                    Column("登记时间", 18, DATETIME),
                ],
                self._rows(ctx),
                counted=True,
            )
        ]

    def _rows(self, ctx):
        for n, compound in enumerate(self.queryset(ctx), start=1):
            if n == 3 and "job" in ctx.params:
                job = ExportJob.objects.get(pk=ctx.params["job"])
                self.seen_progress.append(job.rows_done)
            yield [
                compound.code,
                compound.name,
                compound.household_count,
                compound.created_at,
                compound.created_at,
            ]

    def describe_filter(self, ctx):
        return f"小区编码: {ctx.params['code']}" if ctx.params.get("code") else ""


EXPORTER = register(CompoundsExporter())


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


@pytest.fixture
def moment():
    """A fixed moment in the morning, Beijing time, of a day computed from today."""
    day = timezone.localdate() - datetime.timedelta(days=3)
    at = datetime.datetime.combine(day, datetime.time(9, 30), tzinfo=SHANGHAI)
    with time_machine.travel(at, tick=False):
        yield at


# --- the spreadsheet ----------------------------------------------------------------------------


def test_the_file_states_scope_filter_who_and_when_then_the_rows(city, tmp_path, moment):
    Compound.objects.filter(code="A1").update(created_at=moment)
    path = tmp_path / "out.xlsx"
    ctx = ExportContext(user=city.street, params={"code": "A1"}, today=moment.date())

    rows = write_xlsx(path, EXPORTER, ctx)

    book = load_workbook(path)
    assert book.sheetnames == [INFO_SHEET, "小区"]
    info = list(book[INFO_SHEET].iter_rows(values_only=True))
    assert info == [
        ("测试小区", None),
        (None, None),
        ("导出内容", "测试小区"),
        ("数据范围", "和平街道办事处"),
        ("筛选条件", "小区编码: A1"),
        ("导出人", "street"),
        ("导出时间", f"{moment:%Y-%m-%d} 09:30（北京时间）"),
        ("行数", 1),
    ]
    assert rows == 1
    data = list(book["小区"].iter_rows(values_only=True))
    assert data[0] == ("小区编码", "名称", "户数", "登记日期", "登记时间")
    compound = city.compounds["A1"]
    assert data[1:] == [
        (
            "A1",
            "甲一小区",
            compound.household_count,
            datetime.datetime.combine(moment.date(), datetime.time()),
            datetime.datetime(moment.year, moment.month, moment.day, 9, 30),
        )
    ]


def test_the_data_sheet_has_a_frozen_header_an_autofilter_widths_and_date_cells(city, tmp_path):
    path = tmp_path / "out.xlsx"
    write_xlsx(path, EXPORTER, ExportContext(user=city.bureau, today=timezone.localdate()))

    sheet = load_workbook(path)["小区"]

    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E6"  # the header and five compounds
    # «小区编码» asked for 10 but needs 11: a column is never narrower than its header
    assert [sheet.column_dimensions[c].width for c in "ABCDE"] == pytest.approx(
        [11.71, 30.71, 8.71, 12.71, 18.71], abs=0.01
    )
    assert all(cell.font.b for cell in sheet[1])
    date_cell, moment_cell = sheet["D2"], sheet["E2"]
    assert date_cell.is_date and date_cell.number_format == "yyyy-mm-dd"
    assert moment_cell.is_date and moment_cell.number_format == "yyyy-mm-dd hh:mm"
    assert sheet["C2"].data_type == "n"


def test_text_that_could_run_as_a_formula_is_neutralised_and_kept_as_text(city, tmp_path):
    for code, name in zip(["A1", "A2", "N1", "B1", "B2"], DANGEROUS, strict=False):
        Compound.objects.filter(code=code).update(name=name)
    path = tmp_path / "out.xlsx"
    write_xlsx(path, EXPORTER, ExportContext(user=city.bureau, today=timezone.localdate()))

    sheet = load_workbook(path)["小区"]

    names = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert {code: cell.value for code, cell in names.items()} == {
        "A1": "'=1+1",
        "A2": "'+1+1",
        "N1": "'-1+1",
        "B1": "'@SUM(A1)",
        "B2": "'\tcmd",
    }
    assert {cell.data_type for cell in names.values()} == {"s"}


class FedExporter(Exporter):
    """Compounds, and a sheet of their letters filled while the compounds are read."""

    key = "tests.fed"
    title = "测试"

    def sheets(self, ctx):
        letters = Feed()

        def compounds():
            for code in ("A1", "=B2", "C3"):
                for letter in code:
                    letters.put([code, letter, 1])
                yield [code]

        return [
            Sheet("小区", [Column("编码")], compounds(), counted=True),
            Sheet(
                "字母",
                [Column("编码"), Column("字母"), Column("个", kind=NUMBER)],
                letters,
                totals=True,
            ),
        ]


def test_a_sheet_fed_by_another_gets_its_rows_as_they_are_read(city, tmp_path):
    path = tmp_path / "out.xlsx"

    rows = write_xlsx(path, FedExporter(), ExportContext(user=city.bureau))

    book = load_workbook(path)
    assert rows == 3  # the counted sheet's rows only
    assert [row[0].value for row in book["小区"].iter_rows(min_row=2)] == ["A1", "'=B2", "C3"]
    letters = list(book["字母"].iter_rows(values_only=True))
    assert letters[1:4] == [("A1", "A", 1), ("A1", "1", 1), ("'=B2", "'=", 1)]
    assert len(letters) == 1 + 7 + 1 and letters[-1] == ("合计", None, 7)
    assert book["字母"].auto_filter.ref == "A1:C8"


def test_a_feed_read_on_its_own_gives_what_was_put_once():
    feed = Feed()
    feed.put(["a"])
    feed.put(["b"])

    assert bool(feed) and list(feed) == [["a"], ["b"]]
    assert not feed and list(feed) == []


def test_the_scope_names_every_organisation_of_the_user(city):
    assert describe_scope(city.manager_a) == "甲物业公司"
    assert describe_scope(city.nobody) == "无"
    assert NO_FILTER.startswith("无")


def test_rows_come_only_from_what_the_user_may_see(city, tmp_path):
    path = tmp_path / "out.xlsx"
    write_xlsx(path, EXPORTER, ExportContext(user=city.manager_b, today=timezone.localdate()))
    codes = [row[0] for row in load_workbook(path)["小区"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["B1", "B2"]


# --- jobs ---------------------------------------------------------------------------------------


def _job(user, **params) -> ExportJob:
    return ExportJob.objects.create(user=user, exporter=EXPORTER.key, params=params, rows_total=5)


def _folder(job) -> Path:
    return Path(job.file.path).parent


def test_a_job_writes_its_file_once_with_its_sha256_and_no_temporary_file(city, settings):
    job = _job(city.bureau)

    assert s.export_job_run(job_id=job.pk) is True
    job.refresh_from_db()
    first = Path(job.file.path).read_bytes()

    assert (job.status, job.row_count, job.rows_done, job.percent) == ("done", 5, 5, 100)
    assert job.sha256 == hashlib.sha256(first).hexdigest()
    assert [p.name for p in _folder(job).iterdir()] == [Path(job.file.name).name]
    assert job.expires_at == job.finished_at + datetime.timedelta(hours=settings.EXPORT_TTL_HOURS)
    assert s.export_job_run(job_id=job.pk) is False  # delivered again: nothing happens
    job.refresh_from_db()
    assert Path(job.file.path).read_bytes() == first


def test_a_running_job_is_not_claimed_a_second_time(city):
    job = _job(city.bureau)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, started_at=timezone.now(), attempts=1
    )
    assert s.export_job_run(job_id=job.pk) is False
    job.refresh_from_db()
    assert (job.status, job.file.name, job.attempts) == ("running", "", 1)


def _abandoned(job, attempts: int = 1) -> None:
    """As a worker that died while running the job leaves it: running, past the time limit."""
    long_ago = timezone.now() - datetime.timedelta(seconds=settings_time_limit() + 400)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING,
        created_at=long_ago,
        started_at=long_ago,
        attempts=attempts,
        rows_done=3,
    )


def settings_time_limit() -> int:
    from django.conf import settings

    return settings.CELERY_TASK_TIME_LIMIT


def test_the_redelivered_task_takes_up_a_run_a_dead_worker_abandoned(city):
    job = _job(city.bureau)
    _abandoned(job)

    assert s.export_job_run(job_id=job.pk) is True

    job.refresh_from_db()
    assert (job.status, job.attempts, job.row_count) == ("done", 2, 5)
    assert job.sha256 == hashlib.sha256(Path(job.file.path).read_bytes()).hexdigest()


def test_the_sweep_sends_an_abandoned_job_again_and_fails_it_after_the_last_attempt(
    city, monkeypatch
):
    sent = []
    monkeypatch.setattr(tasks.run_export, "delay", sent.append)
    again, hopeless = _job(city.bureau), _job(city.bureau)
    _abandoned(again, attempts=1)
    _abandoned(hopeless, attempts=s.MAX_ATTEMPTS)

    assert tasks.resend_pending_exports() == 1

    again.refresh_from_db()
    hopeless.refresh_from_db()
    assert sent == [again.pk]
    assert (again.status, again.sent_at is not None) == ("pending", True)
    assert (hopeless.status, hopeless.error) == ("failed", s.MSG_ABANDONED)
    assert s.export_job_run(job_id=hopeless.pk) is False  # a late redelivery changes nothing


def test_the_sweep_leaves_a_job_waiting_in_the_queue_alone(city, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.run_export, "delay", sent.append)
    queued, lost = _job(city.bureau), _job(city.bureau)
    long_ago = timezone.now() - datetime.timedelta(seconds=settings_time_limit() + 400)
    ExportJob.objects.filter(pk__in=[queued.pk, lost.pk]).update(created_at=long_ago)
    ExportJob.objects.filter(pk=queued.pk).update(sent_at=timezone.now())
    ExportJob.objects.filter(pk=lost.pk).update(sent_at=long_ago)

    assert tasks.resend_pending_exports() == 1

    assert sent == [lost.pk]  # its message was lost; the queued one will run in its turn


def test_progress_is_saved_while_the_rows_are_written(city, settings):
    settings.EXPORT_PROGRESS_EVERY = 2
    job = _job(city.bureau)
    job.params = {"job": job.pk}
    job.save()
    CompoundsExporter.seen_progress = []

    s.export_job_run(job_id=job.pk)

    assert CompoundsExporter.seen_progress == [2]  # read while writing the third row


def test_a_failed_job_says_why_and_leaves_no_file(city):
    job = _job(city.bureau, query="fail")

    s.export_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == s.MSG_FAILED.format(error="磁盘已满")
    assert not job.file
    folder = Path(job.file.storage.path(f"exports/{city.bureau.pk}"))
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_user_who_lost_the_export_permission_gets_a_failed_job(city):
    job = _job(city.nobody)
    s.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", s.MSG_FAILED.format(error=s.MSG_NO_PERMISSION))


def test_the_purge_removes_expired_jobs_and_their_files_only(city):
    old, fresh = _job(city.bureau), _job(city.bureau)
    s.export_job_run(job_id=old.pk)
    s.export_job_run(job_id=fresh.pk)
    old.refresh_from_db()
    fresh.refresh_from_db()
    ExportJob.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    assert tasks.purge_expired_exports() == 1

    assert not Path(old.file.path).exists()
    assert Path(fresh.file.path).exists()
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_the_purge_removes_temporary_files_a_killed_worker_left_only_when_old(city, settings):
    folder = Path(settings.MEDIA_ROOT) / "exports" / str(city.bureau.pk)
    folder.mkdir(parents=True)
    old, recent = folder / ".a.xlsx.1.part", folder / ".b.xlsx.2.part"
    old.write_bytes(b"half")
    recent.write_bytes(b"half")
    # Both ages from the (possibly travelled) clock, not the file system's.
    ttl = datetime.timedelta(hours=settings.EXPORT_TTL_HOURS)
    long_ago = (timezone.now() - ttl - datetime.timedelta(hours=1)).timestamp()
    just_now = (timezone.now() - datetime.timedelta(minutes=1)).timestamp()
    os.utime(old, (long_ago, long_ago))
    os.utime(recent, (just_now, just_now))

    s.export_jobs_purge()

    assert (old.exists(), recent.exists()) == (False, True)


def test_the_purge_removes_a_finished_file_no_job_names_only_when_old(city, settings):
    kept = _job(city.bureau)
    s.export_job_run(job_id=kept.pk)
    kept.refresh_from_db()
    orphan = _folder(kept) / "compounds-2026-01-01-999.xlsx"  # its worker died before saving
    orphan.write_bytes(b"PK")
    ttl = datetime.timedelta(hours=settings.EXPORT_TTL_HOURS)
    long_ago = (timezone.now() - ttl - datetime.timedelta(hours=1)).timestamp()
    os.utime(orphan, (long_ago, long_ago))
    os.utime(kept.file.path, (long_ago, long_ago))  # old, but its job still names it

    s.export_jobs_purge()

    assert (orphan.exists(), Path(kept.file.path).exists()) == (False, True)


def test_the_sweep_resends_jobs_left_pending(city, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.run_export, "delay", sent.append)
    stale, recent, done = _job(city.bureau), _job(city.bureau), _job(city.bureau)
    ExportJob.objects.filter(pk__in=[stale.pk, done.pk]).update(
        created_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    ExportJob.objects.filter(pk=done.pk).update(status=ExportStatus.DONE)

    assert tasks.resend_pending_exports() == 1

    assert sent == [stale.pk]
    assert recent.pk not in sent


def test_a_job_saved_while_the_broker_is_down_stays_pending(city, monkeypatch):
    def down(job_id):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.run_export, "delay", down)
    s.export_job_send(_job(city.bureau).pk)  # logs, does not raise
    assert ExportJob.objects.get().status == "pending"


# --- views --------------------------------------------------------------------------------------


def begin_url(**query) -> str:
    return reverse("communities:export_begin", args=[EXPORTER.key])


def test_a_small_export_answers_at_once_with_the_file(city, client):
    client.force_login(city.manager_a)

    response = client.post(begin_url())

    assert response.status_code == 200
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="test-compounds-{today:%Y-%m-%d}.xlsx"'
    )
    codes = [
        r[0] for r in workbook(response.content)["小区"].iter_rows(min_row=2, values_only=True)
    ]
    assert codes == ["A1", "A2"]
    assert not ExportJob.objects.exists()


def test_a_big_export_becomes_a_job_and_its_page_leads_to_the_file(
    city, client, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    client.force_login(city.manager_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(begin_url())

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("communities:export_job", args=[job.pk])
    assert (job.user, job.exporter, job.rows_total) == (city.manager_a, EXPORTER.key, 2)
    job.refresh_from_db()
    assert job.status == "done"  # Celery runs in-process in the tests
    page = client.get(response["Location"])
    download = reverse("communities:export_download", args=[job.pk])
    assert download in page.content.decode()
    assert 'aria-current="page"' not in page.content.decode()  # no menu entry is this page
    file = client.get(download)
    assert (file.status_code, file["Cache-Control"]) == (200, "private, no-store")
    content = b"".join(file.streaming_content)
    assert hashlib.sha256(content).hexdigest() == job.sha256
    assert file["Content-Type"].startswith("application/vnd.openxmlformats")
    codes = [r[0] for r in workbook(content)["小区"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["A1", "A2"]


def test_the_progress_page_polls_while_the_job_runs(city, client):
    job = _job(city.manager_a)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, rows_done=2)
    client.force_login(city.manager_a)

    partial = client.get(reverse("communities:export_job", args=[job.pk]), HTTP_HX_REQUEST="true")

    text = partial.content.decode()
    assert 'hx-trigger="every 1s"' in text
    assert 'value="40"' in text  # 2 of 5 rows
    assert "<html" not in text


def page_of(response, url: str) -> str:
    """The page without its CSRF token (new on every response) and its own address (the
    language switch's ``next``)."""
    return re.sub(r'value="[^"]{64}"', "", response.content.decode()).replace(url, "URL")


@pytest.mark.parametrize("who", ["manager_b", "bureau", "nobody"])
def test_only_the_owner_sees_a_job_others_get_the_same_404_as_a_missing_id(city, client, who):
    job = _job(city.manager_a)
    s.export_job_run(job_id=job.pk)
    client.force_login(getattr(city, who))

    for name in ("communities:export_job", "communities:export_download"):
        theirs_url, missing_url = reverse(name, args=[job.pk]), reverse(name, args=[job.pk + 1000])
        theirs, missing = client.get(theirs_url), client.get(missing_url)
        assert theirs.status_code == missing.status_code == 404
        assert page_of(theirs, theirs_url) == page_of(missing, missing_url)


def test_an_expired_or_unfinished_job_has_no_download(city, client):
    job = _job(city.manager_a)
    client.force_login(city.manager_a)
    url = reverse("communities:export_download", args=[job.pk])
    assert client.get(url).status_code == 404  # still pending
    s.export_job_run(job_id=job.pk)
    assert client.get(url).status_code == 200
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    assert client.get(url).status_code == 404


def test_starting_needs_the_exporters_permission_and_a_known_key(city, client):
    client.force_login(city.nobody)
    assert client.post(begin_url()).status_code == 403
    client.force_login(city.manager_a)
    assert client.post(reverse("communities:export_begin", args=["nope"])).status_code == 404
    client.logout()
    assert client.post(begin_url()).status_code == 302


def header_row(sheet) -> int:
    """The header's row: the one above the frozen panes (a summary has title rows above it)."""
    return int(sheet.freeze_panes[1:]) - 1


def test_no_column_of_any_export_is_narrower_than_its_header(city, tmp_path):
    from communities.exports import exporters
    from communities.exports.writer import text_width

    assert text_width("户主身份证号") == 12 and text_width("SY-1 有场所") == 11
    ctx = ExportContext(user=city.bureau, today=timezone.localdate())
    for key, exporter in exporters().items():
        path = tmp_path / f"{key}.xlsx"
        write_xlsx(path, exporter, ctx)
        for sheet in load_workbook(path).worksheets[1:]:
            header = header_row(sheet)  # 1, or below a summary's title rows
            assert sheet.freeze_panes == f"A{header + 1}", (key, sheet.title)
            assert sheet.auto_filter.ref.startswith(f"A{header}:"), (key, sheet.title)
            for cell in sheet[header]:
                width = sheet.column_dimensions[cell.column_letter].width
                assert width >= text_width(cell.value) + 3, (key, cell.value, width)
