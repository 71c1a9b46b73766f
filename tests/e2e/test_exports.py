"""A big export in a real Chromium: the admin's export button starts a job, the progress page
(htmx polling) shows the worker's progress and then the download link, and the downloaded file
is the job's (its SHA-256). Screenshots feed the user guide (exports)."""

import hashlib
from pathlib import Path

import pytest

from communities.exports import services
from communities.models import ExportJob
from communities.tasks import run_export
from tests import factories as f

pytestmark = pytest.mark.e2e


def test_a_big_export_shows_its_progress_then_the_download(
    bureau_admin, live_server, city, settings, monkeypatch, screenshots, tmp_path
):
    page, base = bureau_admin, live_server.url
    for n in range(40):
        f.HouseholdFactory(compound=city.compounds["A1"], building="9", room=f"{n + 1:03d}")
    settings.EXPORT_INLINE_MAX_ROWS = 20
    settings.EXPORT_PROGRESS_EVERY = 10
    sent = []
    monkeypatch.setattr(run_export, "delay", sent.append)  # the worker is this test, below

    page.goto(f"{base}/admin/communities/household/")
    page.click("a.export_link")
    page.check("input[name=format][value=xlsx]")
    page.click("form.export-form input[type=submit]")
    page.wait_for_url(f"{base}/exports/*/")
    job = ExportJob.objects.get(user=city.bureau)
    assert sent == [job.pk]
    assert page.locator("[data-testid=export-job]").get_attribute("data-status") == "pending"
    assert "等待开始" in page.locator("[data-testid=export-job]").inner_text()

    write = services.write_export
    shots = []

    def observed(path, exporter, ctx, file_format, *, progress, every):
        def seen(done):  # the page's next poll shows the saved progress
            progress(done)
            if not shots:
                page.wait_for_selector("[data-status=running]")
                page.screenshot(path=str(screenshots / "export-progress.png"), full_page=True)
                shots.append(page.locator("progress").get_attribute("value"))

        return write(path, exporter, ctx, file_format, progress=seen, every=every)

    monkeypatch.setattr(services, "write_export", observed)
    assert services.export_job_run(job_id=job.pk)  # as the worker would

    assert shots and 0 < int(shots[0]) < 100
    link = page.wait_for_selector("[data-testid=export-download]")
    job.refresh_from_db()
    assert job.row_count == 45
    assert "已完成：共 45 行。" in page.locator("[data-testid=export-job]").inner_text()
    page.screenshot(path=str(screenshots / "export-done.png"), full_page=True)
    with page.expect_download() as info:
        link.click()
    saved = Path(info.value.path())
    assert info.value.suggested_filename.startswith("住户-")
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == job.sha256
