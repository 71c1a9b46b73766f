"""The monthly self-check in a real Chromium, as the issue asks: the manager of company A fills
the month's checklist on a phone (with a photo), follows the links the page gives (the next
unanswered item, the items a refused submission names, a failed 否决项), confirms and submits;
the street office returns one item; the manager fixes it and submits again; the street office
approves and prints it (a PDF through the browser's print).

The screenshots illustrate docs/user-guide/self-checks.md (written there with
UPDATE_SCREENSHOTS=1).
"""

import contextlib
import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from inspections import services
from inspections.default_template import load_default_template
from inspections.models import (
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    Hazard,
    Inspection,
    InspectionStatus,
    Result,
)

from .conftest import PHONE
from .helpers import choose_compound, log_in, no_horizontal_overflow, wait_until

pytestmark = pytest.mark.e2e

RETURNED_ITEM = "LH-2"
RETURN_COMMENT = "经费支出凭证不全，请补充本月安保经费支出情况。"
LEFT_OUT = "LH-6a"  # answered only after the first, refused, submit
PHOTO_ITEMS = ("SY-1", "SY-2", "LH-1", "LH-3b", "LH-4", "LH-6b")
PHOTO_LATER = "LH-4"  # its photo is added only after the refused submit links to it
VETO_ITEM = "LH-3d"  # a 否决项, failed for a moment (one major case), then corrected
PDF_ITEM = "SY-3"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def month_check(transactional_db, city, media):
    """This month's draft self-check of A1, as the monthly job opens it, and an open hazard."""
    # A transactional test empties the database afterwards: load the checklist if it is gone.
    load_default_template(ChecklistTemplate, ChecklistSection, ChecklistItem)
    period = timezone.localdate().replace(day=1)
    check = services.inspection_open(compound=city.compounds["A1"], period=period, actor=None)
    hazard = services.hazard_raise(
        compound=city.compounds["A1"],
        actor=city.street,
        category="fire",
        description="3号楼消防通道堆放杂物",
        responsible_party="甲物业公司",
        deadline=timezone.localdate() + datetime.timedelta(days=7),
    )
    return check, hazard


def _png(path):
    """A small made-up photo: a building with a red sign by its door."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (186, 214, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 380, 640, 480), fill=(120, 128, 120))
    draw.rectangle((120, 110, 520, 400), fill=(226, 214, 190), outline=(150, 140, 120), width=4)
    for x in range(160, 480, 80):
        for y in range(140, 300, 70):
            draw.rectangle((x, y, x + 44, y + 40), fill=(90, 130, 170))
    draw.rectangle((280, 310, 360, 400), fill=(110, 80, 60))
    draw.rectangle((370, 318, 470, 352), fill=(180, 35, 42))
    image.save(path, format="PNG")
    return path


def _pdf(path):
    path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    return path


def _open_check(page, base, pk):
    page.goto(f"{base}/inspections/{pk}/")
    wait_until(page, "window.htmx !== undefined")


def _scroll_to(page, element_id):
    """Bring an item to the top of the screen, below the sticky score (its scroll margin)."""
    page.evaluate(f"document.getElementById('{element_id}').scrollIntoView()")


def _answer_ids(check) -> dict[str, int]:
    return dict(check.answers.values_list("item__code", "pk"))


def _settled(page):
    """htmx has swapped the answer in and bound the new content (it settles after 20 ms)."""
    wait_until(page, "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def _wait_saved(page, pk):
    page.locator(f"#status-{pk} [data-testid=saved]").wait_for()
    _settled(page)


def _answer_item(page, code, pk, kind, points):
    item = page.locator(f"#item-{code}")
    item.scroll_into_view_if_needed()
    if kind == "yes_no":
        item.locator(".choice__option--yes").click()
    else:
        value = "0" if kind == "number" else str(points)
        page.fill(f"#id_a{pk}-value", value)
        page.press(f"#id_a{pk}-value", "Tab")
    _wait_saved(page, pk)


def _upload(page, pk, path, files_after):
    page.set_input_files(f"#id_e{pk}-file", str(path))
    page.locator(f"#evidence-{pk} .evidence__file").nth(files_after - 1).wait_for()
    _settled(page)


def _status(page) -> str:
    return page.locator("[data-testid=status]").get_attribute("data-status")


IN_VIEW = """(selector) => {
    const box = document.querySelector(selector).getBoundingClientRect();
    const score = document.getElementById('check-score').getBoundingClientRect();
    return box.top >= score.bottom - 1 && box.top < window.innerHeight;
}"""


def _in_view(page, selector) -> bool:
    """The element's top lies on the screen, below the sticky score card (it is not hidden)."""
    return page.evaluate(IN_VIEW, selector)


def _follow(page, link, code):
    """Tap a link to an item: the address names it and the item is on the screen."""
    assert link.get_attribute("href") == f"#item-{code}"
    link.click()
    wait_until(page, f"location.hash === '#item-{code}'")
    # The jump itself (scrolling may be smooth): wait until the item has arrived; if it never
    # does, the assertion below says where it stopped.
    with contextlib.suppress(PlaywrightTimeout):
        wait_until(page, IN_VIEW, arg=f"#item-{code}", timeout=3000)
    assert page.locator(f"#item-{code}").is_visible()
    boxes = page.evaluate(
        f"[document.getElementById('item-{code}').getBoundingClientRect().top,"
        " document.getElementById('check-score').getBoundingClientRect().bottom, window.scrollY]"
    )
    assert _in_view(page, f"#item-{code}"), f"{code} is not on the screen after its link {boxes}"


def _confirm_submit(page):
    """Submit is a confirmation first: nothing is submitted until it is confirmed."""
    page.click("[data-testid=submit]")
    confirm = page.locator("#submit-result [data-testid=submit-confirm]")
    confirm.wait_for()
    assert _status(page) in ("draft", "returned")
    return confirm


def _tabs_fit_the_screen(page):
    """Every tab of the list lies within the phone's width (none hidden off the edge)."""
    tabs = page.locator(".tabs__tab")
    assert tabs.count() == 4
    for i in range(tabs.count()):
        box = tabs.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
            f"tab {tabs.nth(i).inner_text()!r} lies outside the {PHONE['width']}px screen: {box}"
        )


def test_self_check_filled_on_a_phone_returned_fixed_and_approved(
    live_server, city, month_check, phone, desktop, screenshots, tmp_path
):
    base = live_server.url
    check, hazard = month_check
    ids = _answer_ids(check)
    items = {i.code: i for i in ChecklistItem.objects.filter(section__template=check.template)}

    # The manager finds this month's check among the things to do.
    log_in(phone, base, "manager_a")
    phone.goto(f"{base}/inspections/")
    row = phone.locator(f'.check-row[data-id="{check.pk}"]')
    assert row.is_visible()
    assert phone.locator(".tabs__tab[aria-current=page]").get_attribute("data-tab") == "todo"
    assert "乙" not in phone.locator("main").inner_text()  # company B's compounds stay hidden
    no_horizontal_overflow(phone)
    _tabs_fit_the_screen(phone)
    assert phone.locator('.tabs__tab[data-tab="history"]').is_visible()
    phone.screenshot(path=str(screenshots / "checks-list-phone.png"))
    row.locator("a").click()
    phone.wait_for_url(f"{base}/inspections/{check.pk}/")
    wait_until(phone, "window.htmx !== undefined")
    assert _status(phone) == "draft"
    assert phone.locator("[data-testid=score]").inner_text() == "—"

    # The compound's open hazard is listed with a link to it.
    hazards = phone.locator("[data-testid=hazards]")
    assert "3号楼消防通道堆放杂物" in hazards.inner_text()
    assert hazards.locator("a").get_attribute("href") == f"/hazards/{hazard.pk}/"

    # "Next unanswered" beside the score leads to the first item; every section is open.
    assert phone.locator("details.checklist__section[open]").count() == 2
    _follow(phone, phone.locator("[data-testid=next-unanswered]"), "SY-1")

    # Item by item, each saved as it is answered; photos and a PDF as evidence.
    photo = _png(tmp_path / "photo.png")
    for code, item in items.items():
        if code == LEFT_OUT:
            continue
        points = 8 if code == RETURNED_ITEM else int(item.points)
        _answer_item(phone, code, ids[code], item.answer_type, points)
        if code in PHOTO_ITEMS and code != PHOTO_LATER:
            _upload(phone, ids[code], photo, 1)
        elif code == PDF_ITEM:
            _upload(phone, ids[code], _pdf(tmp_path / "台账.pdf"), 1)
    next_link = phone.locator("[data-testid=next-unanswered]")
    assert next_link.get_attribute("href") == f"#item-{LEFT_OUT}"
    assert items[LEFT_OUT].title in next_link.inner_text()
    assert phone.locator("#section-count-SY").inner_text() == "已答 3/3"

    # A major case fails a 否决项: 不达标 says why beside the score, with a link to the item.
    phone.fill(f"#id_a{ids[VETO_ITEM]}-value", "1")
    phone.press(f"#id_a{ids[VETO_ITEM]}-value", "Tab")
    _wait_saved(phone, ids[VETO_ITEM])
    assert phone.locator("[data-testid=result]").inner_text() == "不达标"
    vetoes = phone.locator("[data-testid=vetoes]")
    assert VETO_ITEM in vetoes.inner_text() and items[VETO_ITEM].title in vetoes.inner_text()
    phone.evaluate("window.scrollTo(0, 0)")
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "self-check-veto-phone.png"))
    _follow(phone, vetoes.locator("[data-testid=veto-link]"), VETO_ITEM)
    phone.fill(f"#id_a{ids[VETO_ITEM]}-value", "0")
    phone.press(f"#id_a{ids[VETO_ITEM]}-value", "Tab")
    _wait_saved(phone, ids[VETO_ITEM])
    assert phone.locator("[data-testid=vetoes]").count() == 0
    phone.fill(f"#id_a{ids['SY-1']}-comment", "警务室在2号楼一层，标牌完好。")
    phone.press(f"#id_a{ids['SY-1']}-comment", "Tab")
    _wait_saved(phone, ids["SY-1"])
    assert phone.locator(f"#evidence-{ids['SY-1']} img").is_visible()
    assert (
        phone.locator(f"#evidence-{ids[PDF_ITEM]} .evidence__doc").inner_text().endswith("台账.pdf")
    )
    progress = phone.locator("[data-testid=progress]").inner_text()
    assert "12" in progress and "13" in progress

    # Submitting with one item unanswered and one photo missing is refused; each is named
    # and is a link to its item; nothing typed is lost.
    phone.click("[data-testid=submit]")
    error = phone.locator("#submit-result [data-testid=submit-error]")
    error.wait_for()
    assert LEFT_OUT in error.inner_text() and items[LEFT_OUT].title in error.inner_text()
    assert _status(phone) == "draft"
    assert phone.input_value(f"#id_a{ids['SY-1']}-comment") == "警务室在2号楼一层，标牌完好。"
    no_horizontal_overflow(phone)
    error.scroll_into_view_if_needed()
    phone.screenshot(path=str(screenshots / "self-check-missing-phone.png"))

    _follow(phone, error.locator("[data-testid=evidence-link]"), PHOTO_LATER)
    _upload(phone, ids[PHOTO_LATER], photo, 1)
    _follow(phone, error.locator("[data-testid=blocker-link]"), LEFT_OUT)
    _answer_item(phone, LEFT_OUT, ids[LEFT_OUT], "score", int(items[LEFT_OUT].points))
    assert phone.locator("[data-testid=next-unanswered]").count() == 0

    # Opened again, the answered sections are folded away with their count.
    _open_check(phone, base, check.pk)
    assert phone.locator("details.checklist__section[open]").count() == 0
    assert phone.locator("#section-count-LH").inner_text() == "已答 10/10"
    assert not phone.locator("#item-SY-1").is_visible()
    phone.click("details[data-section=SY] > summary")
    assert phone.locator("#item-SY-1").is_visible()
    _scroll_to(phone, "item-SY-1")
    assert phone.locator("[data-testid=result]").inner_text() == "达标"
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "self-check-phone.png"))

    # Submitting asks first; going back submits nothing, confirming submits.
    confirm = _confirm_submit(phone)
    assert "98%" in confirm.inner_text() and "达标" in confirm.inner_text()
    confirm.scroll_into_view_if_needed()
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "self-check-confirm-phone.png"))
    confirm.locator("[data-testid=cancel-submit]").click()
    assert phone.locator("[data-testid=submit-confirm]").count() == 0
    assert phone.locator("[data-testid=submit]").is_visible()
    assert _status(phone) == "draft"
    assert Inspection.objects.get().status == InspectionStatus.DRAFT
    _confirm_submit(phone).locator("[data-testid=confirm-submit]").click()
    phone.locator('[data-testid=status][data-status="submitted"]').wait_for()
    assert phone.locator(".answer-form").count() == 0  # locked while it is reviewed

    # The street office finds it waiting for review and returns one item with a comment.
    log_in(desktop, base, "street")
    desktop.goto(f"{base}/inspections/")
    assert desktop.locator(".tabs__tab[aria-current=page]").get_attribute("data-tab") == "review"
    desktop.locator(f'.check-row[data-id="{check.pk}"] a').click()
    desktop.wait_for_url(f"{base}/inspections/{check.pk}/")
    assert desktop.locator("[data-testid=review]").is_visible()
    assert desktop.locator("#item-SY-1 .evidence__file img").is_visible()
    desktop.click(f"#item-{RETURNED_ITEM} .item__return summary")
    desktop.fill(f"#id_return-item_{ids[RETURNED_ITEM]}", RETURN_COMMENT)
    _scroll_to(desktop, f"item-{RETURNED_ITEM}")
    desktop.screenshot(path=str(screenshots / "self-check-review.png"))
    desktop.click("[data-testid=return]")
    desktop.wait_for_url(f"{base}/inspections/{check.pk}/")
    assert _status(desktop) == "returned"

    # The manager sees why, fixes the item and submits again.
    _open_check(phone, base, check.pk)
    assert _status(phone) == "returned"
    assert phone.locator("[data-testid=returned-banner]").is_visible()
    returned = phone.locator(f"#item-{RETURNED_ITEM} [data-testid=review-comment]")
    assert RETURN_COMMENT in returned.inner_text()
    assert phone.input_value(f"#id_a{ids['SY-1']}-comment") == "警务室在2号楼一层，标牌完好。"
    _scroll_to(phone, f"item-{RETURNED_ITEM}")
    phone.screenshot(path=str(screenshots / "self-check-returned-phone.png"))
    _answer_item(phone, RETURNED_ITEM, ids[RETURNED_ITEM], "score", 10)
    phone.fill(f"#id_a{ids[RETURNED_ITEM]}-comment", "已补充9月安保经费支出凭证。")
    phone.press(f"#id_a{ids[RETURNED_ITEM]}-comment", "Tab")
    _wait_saved(phone, ids[RETURNED_ITEM])
    _confirm_submit(phone).locator("[data-testid=confirm-submit]").click()
    phone.locator('[data-testid=status][data-status="submitted"]').wait_for()

    # The street office approves; the check is locked and its history complete.
    desktop.goto(f"{base}/inspections/{check.pk}/")
    desktop.fill("#id_approve-comment", "材料齐全，同意。")
    desktop.click("[data-testid=approve]")
    desktop.wait_for_url(f"{base}/inspections/{check.pk}/")
    assert _status(desktop) == "approved"
    assert desktop.locator("[data-testid=review]").count() == 0
    timeline = desktop.locator(".timeline__event")
    assert [timeline.nth(i).get_attribute("data-action") for i in range(timeline.count())] == [
        "open",
        "submit",
        "return",
        "submit",
        "approve",
    ]

    assert phone.goto(f"{base}/inspections/{check.pk}/").status == 200
    assert _status(phone) == "approved"
    assert phone.locator(".answer-form").count() == 0
    assert phone.locator("[data-testid=result]").inner_text() == "达标"

    # The street office prints it for the archive: A4, without the site's navigation.
    desktop.click("[data-testid=print-link]")
    desktop.wait_for_url(f"{base}/inspections/{check.pk}/print/")
    paper = desktop.locator("[data-testid=check-paper]")
    assert "甲一小区" in paper.inner_text() and "材料齐全，同意。" in paper.inner_text()
    assert desktop.locator("[data-testid=result]").inner_text() == "达标"
    assert desktop.locator("[data-testid=check-paper] tr[data-code]").count() == 13
    thumbnails = desktop.locator("[data-testid=thumbnail]")
    assert thumbnails.count() == len(PHOTO_ITEMS)
    assert desktop.evaluate(
        "Array.from(document.querySelectorAll('[data-testid=thumbnail]'))"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    desktop.screenshot(path=str(screenshots / "self-check-print.png"), full_page=False)
    desktop.emulate_media(media="print")
    assert not desktop.locator(".site-header").is_visible()
    assert not desktop.locator(".paper-toolbar").is_visible()
    assert paper.is_visible()
    pdf = desktop.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
    desktop.emulate_media(media="screen")
    phone.goto(f"{base}/inspections/{check.pk}/print/")
    assert phone.locator("[data-testid=check-paper] tr[data-code]").count() == 13
    no_horizontal_overflow(phone)

    check.refresh_from_db()
    assert check.status == InspectionStatus.APPROVED
    assert check.result == Result.PASS
    assert check.score == 100
    assert check.reviewed_by == city.street
    assert check.review_comment == "材料齐全，同意。"
    fixed = check.answers.get(item__code=RETURNED_ITEM)
    assert fixed.value_score == 10
    assert fixed.comment == "已补充9月安保经费支出凭证。"
    assert fixed.review_comment == RETURN_COMMENT
    evidence = {a.item.code: a.evidence.count() for a in check.answers.select_related("item")}
    assert {code for code, n in evidence.items() if n} == {*PHOTO_ITEMS, PDF_ITEM}
    assert Inspection.objects.count() == 1
    assert Hazard.objects.get().status == "open"


def test_supervision_shows_last_months_self_check_beside_each_item(
    live_server, city, media, desktop, screenshots
):
    """The street office starts a supervision from the list and compares item by item."""
    load_default_template(ChecklistTemplate, ChecklistSection, ChecklistItem)
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    last = services.inspection_open(compound=city.compounds["A1"], period=last_month, actor=None)
    lh2 = last.answers.get(item__code="LH-2")
    services.answer_save(answer=lh2, actor=city.manager_a, value_score=6, comment="预算待批")

    base = live_server.url
    log_in(desktop, base, "street")
    desktop.goto(f"{base}/inspections/?list=supervision")
    form = desktop.locator("details.start-form")
    assert form.get_attribute("open") is not None
    choose_compound(desktop, "甲一", "甲一小区（A1）", field="supervise_compound")
    desktop.fill("#supervise_month", f"{this_month:%Y-%m}")
    form.locator("button[type=submit]").click()
    desktop.wait_for_url(f"{base}/inspections/*/")
    wait_until(desktop, "window.htmx !== undefined")
    supervision = Inspection.objects.get(kind="supervision")
    assert desktop.url.endswith(f"/inspections/{supervision.pk}/")

    previous = desktop.locator("#item-LH-2 [data-testid=previous-answer]")
    assert "6 / 10" in previous.inner_text()
    assert "预算待批" in previous.inner_text()
    assert desktop.locator("[data-testid=previous-answer]").count() == 13
    _scroll_to(desktop, "item-LH-1")
    desktop.screenshot(path=str(screenshots / "supervision-desktop.png"))
