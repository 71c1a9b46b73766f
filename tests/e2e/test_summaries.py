"""A street office's summary in a real Chromium: the summaries page, a summary of two months
large enough for the background (``EXPORT_INLINE_MAX_ROWS`` lowered), the job's progress bar
(htmx polling) running to the end, and the file downloaded (its SHA-256 is the job's).
Screenshots feed the user guide (summaries)."""

import hashlib
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from communities.exports import services
from communities.models import ExportJob
from communities.months import previous_month
from communities.tasks import run_export
from inspections.default_template import load_default_template
from inspections.models import ChecklistItem, ChecklistSection, ChecklistTemplate
from tests.reports.summary_records import last_month, make_records

from .conftest import DESKTOP, _close, _context
from .helpers import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def street_page(browser, live_server, transactional_db, city):
    # An earlier transactional test's flush took the migration's checklist with it.
    load_default_template(ChecklistTemplate, ChecklistSection, ChecklistItem)
    context = _context(browser, DESKTOP, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, "street")
    yield page
    _close(context)


def test_a_street_office_exports_a_summary_in_the_background_and_downloads_it(
    street_page, live_server, city, settings, monkeypatch, screenshots
):
    page, base = street_page, live_server.url
    make_records(city)
    settings.EXPORT_INLINE_MAX_ROWS = 3
    settings.EXPORT_PROGRESS_EVERY = 1
    sent = []
    monkeypatch.setattr(run_export, "delay", sent.append)  # the worker is this test, below
    month = last_month()
    before = previous_month(month)

    page.click("nav.site-nav >> text=汇总表")
    page.wait_for_url(f"{base}/summaries/")
    assert page.input_value("#id_first") == f"{month:%Y-%m}"  # last month by default
    page.select_option("#id_kind", "compounds")
    page.fill("#id_first", f"{before:%Y-%m}")
    page.fill("#id_last", f"{month:%Y-%m}")
    page.screenshot(path=str(screenshots / "summaries-form.png"), full_page=True)
    page.click("[data-testid=summary-form] button[type=submit]")
    page.wait_for_url(f"{base}/exports/*/")
    job = ExportJob.objects.get(user=city.street)
    assert sent == [job.pk]
    assert job.rows_total == 8  # four compounds, two months

    write = services.write_export
    shots = []

    def observed(path, exporter, ctx, file_format, *, progress, every):
        def seen(done):  # the page's next poll shows the saved progress
            progress(done)
            if done == 4 and not shots:  # the first month's sheet is written
                page.wait_for_selector("[data-status=running]")
                page.screenshot(path=str(screenshots / "summaries-progress.png"), full_page=True)
                shots.append(page.locator("progress").get_attribute("value"))

        return write(path, exporter, ctx, file_format, progress=seen, every=every)

    monkeypatch.setattr(services, "write_export", observed)
    assert services.export_job_run(job_id=job.pk)  # as the worker would

    assert shots and 0 < int(shots[0]) < 100
    link = page.wait_for_selector("[data-testid=export-download]")
    job.refresh_from_db()
    assert (job.status, job.row_count) == ("done", 8)
    assert "已完成：共 8 行。" in page.locator("[data-testid=export-job]").inner_text()
    page.screenshot(path=str(screenshots / "summaries-done.png"), full_page=True)
    with page.expect_download() as info:
        link.click()
    saved = Path(info.value.path())
    assert info.value.suggested_filename.startswith("小区创建情况汇总表-")
    content = saved.read_bytes()
    assert hashlib.sha256(content).hexdigest() == job.sha256
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames[1:] == [f"{before:%Y-%m}", f"{month:%Y-%m}"]
    assert book[f"{month:%Y-%m}"]["A1"].value.startswith("和平街道 ")
