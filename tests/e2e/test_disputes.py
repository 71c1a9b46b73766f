"""A dispute case through all three levels in a real Chromium, as issue 4 asks: the manager of
company A registers a case in A1 on a phone at street level; the street office accepts it with
the four fixes (四定) and escalates it; the bureau accepts it at district level, records a
mediation session and resolves it with an agreement uploaded as a PDF; the case page then shows
the whole timeline with who did each step.

The screenshots illustrate docs/user-guide/disputes.md (written there with
UPDATE_SCREENSHOTS=1). The live server and the browser use the real clock: every date below is
counted from today.
"""

import datetime

import pytest
from django.utils import timezone, translation

from disputes import services
from disputes.models import (
    CaseEvent,
    Category,
    DisputeCase,
    Level,
    Party,
    Satisfaction,
    Source,
    Status,
)

from .conftest import DESKTOP, _context
from .helpers import choose_compound, compound_matches, log_in, no_horizontal_overflow

pytestmark = pytest.mark.e2e

# Display names, so the pages and screenshots show people rather than user names.
NAMES = {"manager_a": "王晓燕", "street": "张建国", "bureau": "李卫东", "community": "赵丽"}

DESCRIPTION = "3号楼502室卫生间漏水，渗到402室顶棚，双方对维修费用分担有争议，多次协商未果。"
APPLICANT = "刘海涛"
RESPONDENT = "陈静"
PLAN = "街道司法所牵头，约双方和物业公司到街道调解室面对面调解。"
ESCALATE_REASON = "双方分歧较大，涉及房屋质量鉴定，街道调解未果，报区住建局协调。"
MEDIATORS = "李卫东、区房屋质量鉴定中心工程师"
OTHERS_PRESENT = "甲物业公司"
AGREED = "402室顶棚由502室负责维修，费用双方各承担一半，物业公司协助施工。"
OUTCOME = "双方签订调解协议，502室已完成防水维修。"


def _parties(*rows):
    return [
        {"role": role, "name": name, "phone": phone, "id_number": ""} for role, name, phone in rows
    ]


@pytest.fixture
def live_city(transactional_db, city):
    """The cast, with names, and three cases of company A's compounds already on the list: one
    in hand at community level, one resolved and visited, one overdue and not yet accepted."""
    for username, name in NAMES.items():
        user = getattr(city, username)
        user.first_name = name
        user.save(update_fields=["first_name"])
    today = timezone.localdate()

    parking = services.case_register(
        actor=city.community,
        compound=city.compounds["A2"],
        category=Category.PARKING,
        source=Source.SCREENING,
        description="地下车库车位被长期占用，业主与租户发生争执。",
        parties=_parties(("applicant", "周晓峰", "13912345678"), ("respondent", "吴勇", "")),
    )
    services.case_accept(
        case=parking,
        actor=city.community,
        leader=city.community,
        handler=city.community,
        plan="社区调委会约双方协商，物业公司核实车位产权。",
        deadline=parking.deadline,
    )

    service = services.case_register(
        actor=city.manager_a,
        compound=city.compounds["A1"],
        category=Category.PROPERTY_SERVICE,
        source=Source.RESIDENT,
        description="业主对电梯维修进度不满，拒交物业费。",
        parties=_parties(("applicant", "孙国强", "13700001111")),
    )
    # A property-service dispute is against the company: the committee handles it (回避).
    services.case_accept(
        case=service,
        actor=city.community,
        leader=city.community,
        handler=city.community,
        plan="约物业公司公示电梯维修计划，居委会上门沟通。",
        deadline=service.deadline,
    )
    services.session_record(
        case=service,
        actor=city.community,
        held_on=today,
        mediators="赵丽",
        agreed="物业公司两周内完成维修，业主补交物业费。",
    )
    services.case_resolve(
        case=service,
        actor=city.community,
        outcome="电梯已修复，业主已补交物业费。",
        agreement_reached=False,
    )
    services.return_visit_record(
        case=service, actor=city.community, visited_on=today, satisfaction=Satisfaction.SATISFIED
    )

    noise = services.case_register(
        actor=city.manager_a,
        compound=city.compounds["A2"],
        category=Category.NOISE,
        source=Source.HOTLINE,
        description="12345转来：5号楼底商夜间噪声扰民。",
        parties=_parties(("applicant", "郑敏", "")),
    )
    # Overdue: the test moves its deadline into the past (no service sets a past deadline).
    DisputeCase.objects.filter(pk=noise.pk).update(deadline=today - datetime.timedelta(days=3))
    return city


def _status(page) -> str:
    return page.locator(".page-head [data-status]").get_attribute("data-status")


def _level(page) -> str:
    return page.locator(".page-head [data-level]").get_attribute("data-level")


def _offered(page) -> set[str]:
    """The action forms the page offers this user."""
    actions = page.locator("details.case-action")
    return {actions.nth(i).get_attribute("data-action") for i in range(actions.count())}


def _open_action(page, name):
    details = page.locator(f'details.case-action[data-action="{name}"]')
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details


def _send(page, details, case_url):
    """Submit an action form; it must come back to the case page (a refusal stays on the
    action's URL and shows why)."""
    with page.expect_navigation():
        details.locator("button[type=submit]").click()
    if not page.url.endswith(case_url):
        errors = page.locator(".field__error, [data-testid=form-error]").all_inner_texts()
        pytest.fail(f"the action was refused at {page.url}: {errors}")
    assert page.locator(".message--success").is_visible()


def _timeline(page) -> list[dict]:
    events = page.locator(".hazard-timeline__event")
    rows = []
    for i in range(events.count()):
        event = events.nth(i)
        meta = [
            part.strip() for part in event.locator(".hazard-timeline__meta").inner_text().split("·")
        ]
        level = event.locator("[data-testid=event-level]")
        rows.append(
            {
                "action": event.get_attribute("data-event"),
                "actor": meta[1],
                "level": level.inner_text().strip("· ").strip() if level.count() else "",
                "note": event.locator(".hazard-timeline__note").inner_text()
                if event.locator(".hazard-timeline__note").count()
                else "",
            }
        )
    return rows


def test_a_case_goes_up_three_levels_and_is_resolved(
    live_server, live_city, browser, phone, desktop, screenshots, tmp_path
):
    base, city = live_server.url, live_city
    today = timezone.localdate()
    street_deadline = today + datetime.timedelta(days=5)
    district_deadline = today + datetime.timedelta(days=12)

    # The manager registers the case on a phone, at street level, with two parties.
    log_in(phone, base, "manager_a")
    phone.click('.site-nav a[href="/disputes/"]')
    phone.wait_for_url(f"{base}/disputes/")
    assert phone.locator(".case-list > li").count() == 3
    phone.click("[data-testid=register-case]")
    phone.wait_for_url(f"{base}/disputes/new/")
    levels = phone.locator("#id_level option").evaluate_all("options => options.map(o => o.value)")
    assert levels == [Level.COMMUNITY, Level.STREET]  # a manager cannot register at district
    # The compound is chosen by typing: a manager is offered only the company's compounds.
    assert compound_matches(phone, "小区") == ["甲一小区（A1）", "甲二小区（A2）"]
    choose_compound(phone, "甲一", "甲一小区（A1）")
    phone.select_option("#id_category", Category.NEIGHBOURS)
    phone.select_option("#id_source", Source.RESIDENT)
    phone.select_option("#id_level", Level.STREET)
    phone.fill("#id_description", DESCRIPTION)
    phone.fill("#id_amount", "8000")
    phone.select_option("#id_parties-0-role", "applicant")
    phone.fill("#id_parties-0-name", APPLICANT)
    phone.fill("#id_parties-0-phone", "138 1234 5678")
    phone.select_option("#id_parties-1-role", "respondent")
    phone.fill("#id_parties-1-name", RESPONDENT)
    phone.fill("#id_parties-1-phone", "13987654321")
    no_horizontal_overflow(phone)
    phone.evaluate("document.querySelector('.case-form').scrollIntoView()")
    phone.screenshot(path=str(screenshots / "disputes-register-phone.png"))
    with phone.expect_navigation():
        phone.click(".case-form button[type=submit]")

    case = DisputeCase.objects.get(description=DESCRIPTION)
    case_url = f"/disputes/{case.pk}/"
    assert phone.url == f"{base}{case_url}"
    assert case.number in phone.locator("h1").inner_text()
    assert _status(phone) == Status.REGISTERED
    assert _level(phone) == Level.STREET
    # At street level the manager is not the handler: only the registrant's own steps are left.
    assert _offered(phone) == {"withdraw", "party"}
    # No property-company role sees dispute parties in full, not even the registrant's.
    parties = phone.locator(".case-parties-list").inner_text()
    assert "刘**" in parties and "陈*" in parties and "138****5678" in parties
    assert APPLICANT not in parties and RESPONDENT not in parties and "13812345678" not in parties
    assert phone.locator("[data-testid=leader]").inner_text() == "—"
    no_horizontal_overflow(phone)

    # The list on the phone: the new case among company A's, with the figures of all four.
    phone.goto(f"{base}/disputes/")
    assert phone.locator(".case-list > li").count() == 4
    assert phone.locator(f'.case-list > li[data-case="{case.pk}"]').is_visible()
    figures = phone.locator("[data-testid=figures]")
    assert figures.locator('[data-figure="total"]').inner_text() == "4"
    assert figures.locator('[data-figure="resolved"]').inner_text() == "1"
    assert figures.locator('[data-figure="closure_rate"]').inner_text() == "25.0%"
    assert figures.locator('[data-figure="overdue"]').inner_text() == "1"
    assert figures.locator('[data-figure="satisfaction_rate"]').inner_text() == "100.0%"
    assert phone.locator(".case-list [data-testid=overdue]").count() == 1
    no_horizontal_overflow(phone)
    phone.evaluate("document.querySelector('.case-list').scrollIntoView()")
    phone.screenshot(path=str(screenshots / "disputes-list-phone.png"))

    # The street office finds it waiting, and accepts it with the four fixes.
    log_in(desktop, base, "street")
    desktop.goto(f"{base}/disputes/")
    assert desktop.locator("[data-testid=awaiting]").is_visible()
    desktop.locator(f'.case-list > li[data-case="{case.pk}"] a').click()
    desktop.wait_for_url(f"{base}{case_url}")
    assert _status(desktop) == Status.REGISTERED
    assert {"accept", "escalate", "withdraw"} <= _offered(desktop)
    assert "session" not in _offered(desktop) and "resolve" not in _offered(desktop)
    accept = _open_action(desktop, "accept")
    leaders = accept.locator("#id_accept_leader option").all_inner_texts()
    assert NAMES["street"] in leaders and NAMES["manager_a"] not in leaders
    desktop.select_option("#id_accept_leader", str(city.street.pk))
    desktop.select_option("#id_accept_handler", str(city.street.pk))
    desktop.fill("#id_accept_plan", PLAN)
    desktop.fill("#id_accept_deadline", street_deadline.isoformat())
    desktop.locator("#id_accept_deadline").evaluate("field => field.blur()")
    desktop.evaluate("window.scrollTo(0, 0)")
    desktop.screenshot(path=str(screenshots / "disputes-accept-desktop.png"))
    _send(desktop, accept, case_url)
    assert _status(desktop) == Status.ACCEPTED
    assert _level(desktop) == Level.STREET
    assert desktop.locator("[data-testid=leader]").inner_text() == NAMES["street"]
    assert desktop.locator("[data-testid=handler]").inner_text() == NAMES["street"]
    fixes = desktop.locator("section[aria-labelledby=case-fixes-title]").inner_text()
    assert PLAN in fixes and street_deadline.isoformat() in fixes
    assert desktop.locator("[data-testid=days-left]").is_visible()
    offered = _offered(desktop)
    assert "accept" not in offered
    assert {"session", "resolve", "close", "escalate", "reassign", "deadline"} <= offered

    # … and escalates it with a reason: it leaves the street office's hands.
    escalate = _open_action(desktop, "escalate")
    desktop.fill("#id_escalate_reason", ESCALATE_REASON)
    _send(desktop, escalate, case_url)
    assert _status(desktop) == Status.ESCALATED
    assert _level(desktop) == Level.DISTRICT
    assert desktop.locator("[data-testid=leader]").inner_text() == "—"
    assert _offered(desktop) == set()
    assert desktop.locator("#actions").count() == 0

    # The bureau accepts it at district level, where it cannot go further up.
    bureau_context = _context(browser, DESKTOP)
    try:
        bureau = bureau_context.new_page()
        bureau.set_default_timeout(15_000)
        log_in(bureau, base, "bureau")
        bureau.goto(f"{base}/disputes/?awaiting=1")
        assert bureau.locator(".case-list > li").count() == 1
        bureau.locator(f'.case-list > li[data-case="{case.pk}"] a').click()
        bureau.wait_for_url(f"{base}{case_url}")
        assert _status(bureau) == Status.ESCALATED
        offered = _offered(bureau)
        assert "accept" in offered
        assert "escalate" not in offered  # district is the top level
        accept = _open_action(bureau, "accept")
        bureau.select_option("#id_accept_leader", str(city.bureau.pk))
        bureau.select_option("#id_accept_handler", str(city.bureau.pk))
        bureau.fill("#id_accept_plan", "区住建局牵头，委托鉴定中心查明漏水原因后组织调解。")
        bureau.fill("#id_accept_deadline", district_deadline.isoformat())
        _send(bureau, accept, case_url)
        assert _status(bureau) == Status.ACCEPTED
        assert _level(bureau) == Level.DISTRICT
        assert "escalate" not in _offered(bureau)

        # A mediation session (dated today by default) moves it to mediating.
        session = _open_action(bureau, "session")
        assert bureau.input_value("#id_session_held_on") == today.isoformat()
        bureau.fill("#id_session_mediators", MEDIATORS)
        for name in (APPLICANT, RESPONDENT):  # the case's own parties, ticked
            bureau.locator(".case-checks__option", has_text=name).locator("input").check()
        bureau.fill("#id_session_other_attendees", OTHERS_PRESENT)
        bureau.fill("#id_session_agreed", AGREED)
        _send(bureau, session, case_url)
        assert _status(bureau) == Status.MEDIATING
        recorded = bureau.locator("[data-session]").inner_text()
        assert AGREED in recorded
        assert APPLICANT in recorded and RESPONDENT in recorded and OTHERS_PRESENT in recorded

        # Resolved with an agreement: the signed agreement is uploaded as a PDF.
        agreement = tmp_path / "调解协议书.pdf"
        agreement.write_bytes(b"%PDF-1.4\n%%EOF\n")
        resolve = _open_action(bureau, "resolve")
        bureau.fill("#id_resolve_outcome", OUTCOME)
        bureau.check("#id_resolve_agreement_reached")
        bureau.set_input_files("#id_resolve_agreement_file", str(agreement))
        _send(bureau, resolve, case_url)
        assert _status(bureau) == Status.RESOLVED
        assert _level(bureau) == Level.DISTRICT
        assert _offered(bureau) == {"visit"}  # only the return visit is left
        link = bureau.locator("[data-testid=agreement-link]")
        assert link.is_visible()
        download = bureau.request.get(f"{base}{link.get_attribute('href')}")
        assert download.status == 200
        assert download.headers["content-type"] == "application/pdf"
        assert download.body() == b"%PDF-1.4\n%%EOF\n"

        # The whole timeline, oldest first, with who did each step.
        timeline = _timeline(bureau)
        assert [(e["action"], e["actor"]) for e in timeline] == [
            ("register", NAMES["manager_a"]),
            ("accept", NAMES["street"]),
            ("escalate", NAMES["street"]),
            ("accept", NAMES["bureau"]),
            ("session", NAMES["bureau"]),
            ("resolve", NAMES["bureau"]),
        ]
        with translation.override("zh-hans"):  # the page's language, translated or not yet
            street, district = str(Level.STREET.label), str(Level.DISTRICT.label)
        assert [e["level"] for e in timeline] == [
            street,
            street,
            f"{street} → {district}",
            district,
            "",
            "",
        ]
        assert ESCALATE_REASON in timeline[2]["note"]
        assert AGREED in timeline[4]["note"]
        assert OUTCOME in timeline[5]["note"]
        bureau.screenshot(path=str(screenshots / "disputes-timeline-desktop.png"), full_page=True)

        # The case file for the paper archive: A4, without the site's navigation.
        bureau.click("[data-testid=print-link]")
        bureau.wait_for_url(f"{base}{case_url}print/")
        paper = bureau.locator("[data-testid=case-file]")
        on_paper = paper.inner_text()
        for text in (case.number, DESCRIPTION, APPLICANT, AGREED, OUTCOME, OTHERS_PRESENT):
            assert text in on_paper
        assert paper.locator("tr[data-event]").count() == len(timeline)
        assert paper.locator("tr[data-session]").count() == 1
        bureau.screenshot(path=str(screenshots / "disputes-case-file.png"), full_page=False)
        bureau.emulate_media(media="print")
        assert not bureau.locator(".site-header").is_visible()
        assert not bureau.locator(".paper-toolbar").is_visible()
        assert paper.is_visible()
        pdf = bureau.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
        bureau.emulate_media(media="screen")
        phone.goto(f"{base}{case_url}print/")
        assert phone.locator("[data-testid=case-file] tr[data-event]").count() == len(timeline)
        no_horizontal_overflow(phone)

        # The bureau's list: all four cases of the district and their figures.
        bureau.goto(f"{base}/disputes/")
        assert bureau.locator(".case-list > li").count() == 4
        figures = bureau.locator("[data-testid=figures]")
        assert figures.get_attribute("open") is not None
        shown = {
            name: figures.locator(f'[data-figure="{name}"]').inner_text()
            for name in ("total", "open", "resolved", "closure_rate", "overdue", "escalated")
        }
        assert shown == {
            "total": "4",
            "open": "2",
            "resolved": "2",
            "closure_rate": "50.0%",
            "overdue": "1",
            "escalated": "1",
        }
        assert figures.locator('[data-figure="satisfaction_rate"]').inner_text() == "100.0%"
        assert figures.locator('[data-level="district"] strong').inner_text() == "1"
        bureau.screenshot(path=str(screenshots / "disputes-list-desktop.png"), full_page=True)
    finally:
        bureau_context.close()

    # The registrant sees the same end on the phone (首问负责制: told of every step).
    phone.goto(f"{base}{case_url}")
    assert _status(phone) == Status.RESOLVED
    assert _offered(phone) == set()
    assert len(_timeline(phone)) == 6
    no_horizontal_overflow(phone)

    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert case.level == Level.DISTRICT
    assert case.escalations == 1
    assert case.registered_by == city.manager_a
    assert (case.leader, case.handler) == (city.bureau, city.bureau)
    assert case.deadline == district_deadline
    assert case.agreement_reached is True
    assert case.agreement_file.read() == b"%PDF-1.4\n%%EOF\n"
    assert case.outcome == OUTCOME
    assert sorted(Party.objects.filter(case=case).values_list("name", "phone")) == sorted(
        [(APPLICANT, "13812345678"), (RESPONDENT, "13987654321")]
    )
    events = list(CaseEvent.objects.filter(case=case).order_by("at", "pk"))
    assert len(events) == 6
    assert [(e.action, e.actor, e.from_status, e.to_status) for e in events] == [
        ("register", city.manager_a, "", Status.REGISTERED),
        ("accept", city.street, Status.REGISTERED, Status.ACCEPTED),
        ("escalate", city.street, Status.ACCEPTED, Status.ESCALATED),
        ("accept", city.bureau, Status.ESCALATED, Status.ACCEPTED),
        ("session", city.bureau, Status.ACCEPTED, Status.MEDIATING),
        ("resolve", city.bureau, Status.MEDIATING, Status.RESOLVED),
    ]
    assert (events[2].from_level, events[2].to_level) == (Level.STREET, Level.DISTRICT)
    assert events[1].deadline == street_deadline and events[1].handler == city.street
    assert events[3].deadline == district_deadline and events[3].handler == city.bureau
    assert case.sessions.get().mediators == MEDIATORS


def test_a_refused_registration_keeps_what_was_typed(live_server, live_city, phone):
    base = live_server.url
    log_in(phone, base, "manager_a")
    phone.goto(f"{base}/disputes/new/")
    choose_compound(phone, "A2", "甲二小区（A2）")
    phone.select_option("#id_category", Category.NEIGHBOURS)
    phone.select_option("#id_source", Source.SCREENING)
    phone.fill("#id_description", DESCRIPTION)
    phone.fill("#id_parties-0-name", APPLICANT)
    phone.fill("#id_parties-0-phone", "12345")
    with phone.expect_navigation():
        phone.click(".case-form button[type=submit]")

    assert phone.url == f"{base}/disputes/new/"
    phone_field = phone.locator(".field--error", has=phone.locator("#id_parties-0-phone"))
    assert phone_field.locator(".field__error").is_visible()
    assert phone.locator(".field--error").count() == 1  # nothing else is blamed
    assert phone.input_value("#id_description") == DESCRIPTION
    assert phone.input_value("#id_parties-0-name") == APPLICANT
    assert phone.input_value("#id_parties-0-phone") == "12345"
    assert phone.input_value("#id_compound") == str(live_city.compounds["A2"].pk)
    assert phone.input_value("#id_compound_search") == "甲二小区（A2）"
    assert phone.input_value("#id_source") == Source.SCREENING
    no_horizontal_overflow(phone)
    assert not DisputeCase.objects.filter(description=DESCRIPTION).exists()
    assert DisputeCase.objects.count() == 3


def test_the_list_is_narrowed_to_a_compound_typed_into_its_filter(live_server, live_city, desktop):
    """The compound filter lists no compounds: part of a name is typed, the match picked with
    the keyboard, and the list shows that compound's cases only."""
    base = live_server.url
    log_in(desktop, base, "bureau")
    desktop.goto(f"{base}/disputes/")
    assert desktop.locator(".case-list > li").count() == 3
    assert desktop.locator("#id_compound option").count() == 1  # «全部» only

    desktop.fill("#id_compound_search", "甲一")
    desktop.locator("#id_compound_search ~ [role=listbox] [role=option]").first.wait_for()
    desktop.press("#id_compound_search", "ArrowDown")
    desktop.press("#id_compound_search", "Enter")  # picks; does not submit the form yet
    assert desktop.input_value("#id_compound_search") == "甲一小区（A1）"
    assert desktop.url == f"{base}/disputes/"
    with desktop.expect_navigation():
        desktop.click(".list-filters__form button[type=submit]")

    assert f"compound={live_city.compounds['A1'].pk}" in desktop.url
    assert desktop.locator(".case-list > li").count() == 1
    assert desktop.input_value("#id_compound_search") == "甲一小区（A1）"
