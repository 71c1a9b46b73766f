"""Recording a campaign activity on a phone (375 px): company A's manager opens the activity
list, records a legal-education activity with a photo and finds it in the list with the
figures. The screenshots illustrate docs/user-guide/activities.md (``make screenshots``)."""

import datetime

import pytest
from django.utils import timezone

from communities.activities import services
from communities.models import Activity, ActivityKind
from tests.inspections.conftest import png_bytes

from .helpers import choose_compound, log_in, no_horizontal_overflow

pytestmark = pytest.mark.e2e

TITLE = "反电信网络诈骗法律知识讲座"


@pytest.fixture
def live_city(transactional_db, city):
    """The cast, with a few activities already on the list."""
    city.manager_a.first_name = "王晓燕"
    city.manager_a.save(update_fields=["first_name"])
    today = timezone.localdate()
    earlier = today.replace(day=1) - datetime.timedelta(days=1)
    services.activity_create(
        actor=city.manager_a,
        compound=city.compounds["A2"],
        kind=ActivityKind.FIRE_DRILL,
        date=earlier,
        title="高层住宅消防疏散演练",
        participants=85,
        organiser="甲物业公司",
    )
    services.activity_create(
        actor=city.community,
        community=city.communities[0],
        kind=ActivityKind.LAW_INTO_COMMUNITY,
        date=earlier,
        title="法律顾问进社区义务咨询",
        participants=120,
        organiser="幸福社区居委会",
    )
    return city


def test_a_manager_records_an_activity_and_finds_it_in_the_list(
    live_server, live_city, phone, screenshots
):
    base = live_server.url
    log_in(phone, base, "manager_a")

    phone.goto(f"{base}/activities/")
    phone.click("[data-testid=add-activity]")
    phone.wait_for_url(f"{base}/activities/new/")
    choose_compound(phone, "甲一", "甲一小区（A1）")
    phone.select_option("#id_kind", value=ActivityKind.LEGAL_EDUCATION)
    phone.fill("#id_date", timezone.localdate().isoformat())
    phone.fill("#id_title", TITLE)
    phone.fill("#id_participants", "46")
    phone.fill("#id_organiser", "城关派出所")
    phone.set_input_files(
        "#id_photos", files=[{"name": "讲座.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "activities-form-phone.png"), full_page=True)
    phone.click("[data-testid=save-activity]")

    activity = Activity.objects.get(title=TITLE)
    phone.wait_for_url(f"{base}/activities/{activity.pk}/")
    assert phone.inner_text("[data-testid=activity-title]") == TITLE
    assert phone.locator("[data-testid=photos] img").count() == 1
    assert activity.photos.count() == 1 and activity.organisation == live_city.org.company_a
    no_horizontal_overflow(phone)

    phone.goto(f"{base}/activities/")
    card = phone.locator(f"[data-activity='{activity.pk}']")
    assert TITLE in card.inner_text()
    assert phone.inner_text("[data-figure=total]") == "3"
    assert phone.inner_text("[data-figure=legal_education]") == "2"
    assert phone.inner_text("[data-figure=participants]") == "251"
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "activities-list-phone.png"))
