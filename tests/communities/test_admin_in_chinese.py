"""Every admin page a bureau admin, a company manager or an operator opens speaks Chinese:
each registered model's change list, add page, one change page, its export page and its
history, under zh-hans, contain none of the English texts the admin used to show.

The list below is what walking the demo city's admin as each of the demo logins found (the
export form's field picker, the audit log's name, Django's new-user hint, the magnifier's
alt text, the index's hidden column headers, the holiday names from chinese-calendar, and the
timelines' stored codes)."""

import contextlib
import datetime

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from disputes import services as disputes_services
from disputes.models import Category, Level, Source
from inspections import services as inspections_services
from tests import factories as f

ENGLISH = [
    "Select all",
    "Audit log",
    "AUDIT LOG",
    "After you",
    "edit more user options",
    "Model name",
    "Add link",
    "Change or view list link",
    'alt="Search"',
    "New Year",
    "Spring Festival",
    "Tomb-sweeping",
    "Labour Day",
    "Dragon Boat",
    "Mid-autumn",
    "National Day",
    "Excel (.xlsx)",
    "No log entries found",
    # the timelines' stored codes, as whole cells
    *(f">{code}<" for code in ("open", "draft", "submit", "raise", "register", "registered")),
]


@pytest.fixture
def records(city):
    """A self-check, a hazard and a dispute case, each with a timeline."""
    today = timezone.localdate()
    inspections_services.inspection_open(
        compound=city.compounds["A1"], period=today.replace(day=1), actor=city.manager_a
    )
    inspections_services.hazard_raise(
        compound=city.compounds["A1"],
        actor=city.street,
        category="fire",
        description="灭火器过期",
        responsible_party="甲物业公司",
        deadline=today + datetime.timedelta(days=15),
    )
    disputes_services.case_register(
        actor=city.manager_a,
        compound=city.compounds["A1"],
        category=Category.NOISE,
        source=Source.RESIDENT,
        description="楼上装修噪声扰民",
        parties=[{"role": "applicant", "name": "王小明", "phone": "", "id_number": ""}],
        level=Level.COMMUNITY,
    )
    return city


def admin_pages(user) -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{info}_changelist"), reverse(f"{info}_add")]
        rows = model._default_manager.all()
        if hasattr(rows, "visible_to"):
            rows = rows.visible_to(user)
        first = rows.order_by("pk").first()
        views = [("export", [])]
        if first is not None:
            views += [("change", [first.pk]), ("auditlog", [first.pk])]
        for view, args in views:
            with contextlib.suppress(NoReverseMatch):
                urls.append(reverse(f"{info}_{view}", args=args))
    return urls


@pytest.mark.parametrize("who", ["bureau", "manager_a", "operator"])
def test_no_admin_page_shows_the_english_it_used_to(client, records, who):
    user = f.UserFactory(username="operator", is_staff=True, is_superuser=True)
    if who != "operator":
        user = getattr(records, who)
    client.force_login(user)

    seen = 0
    for url in admin_pages(user):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if response.status_code != 200:
            assert response.status_code in (302, 403, 404), url
            continue
        seen += 1
        page = response.content.decode()
        found = [phrase for phrase in ENGLISH if phrase in page]
        assert not found, f"{url} shows {found}"
    assert seen >= 25


def test_the_export_page_offers_xlsx_chosen_in_chinese(client, records):
    client.force_login(records.bureau)

    page = client.get(reverse("admin:communities_household_export")).content.decode()

    assert 'value="xlsx" checked' in page and 'value="csv" checked' not in page
    assert "Excel 工作簿（.xlsx）" in page and "文件格式" in page


def test_the_new_user_page_explains_itself_in_chinese(client, records):
    client.force_login(records.bureau)

    page = client.get(reverse("admin:auth_user_add")).content.decode()

    assert "所属单位和角色" in page


def test_the_audit_log_is_named_in_chinese(client, records):
    operator = f.UserFactory(username="operator", is_staff=True, is_superuser=True)
    client.force_login(operator)

    index = client.get(reverse("admin:index")).content.decode()
    districts = client.get(reverse("admin:communities_district_changelist")).content.decode()

    assert "审计记录" in index and "审计记录" in districts


def test_an_export_is_named_in_chinese_with_the_local_date(client, records):
    client.force_login(records.bureau)

    response = client.post(reverse("admin:communities_household_export"), {"format": "xlsx"})

    today = timezone.localdate()
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E4%BD%8F%E6%88%B7-" + f"{today:%Y-%m-%d}.xlsx"
    )  # 住户-YYYY-MM-DD.xlsx
