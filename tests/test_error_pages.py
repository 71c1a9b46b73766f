"""Error pages: the site's own, in Chinese, in its layout; never Django's technical pages.

The test settings run with DEBUG off, as `make run` and production do (tests/test_embedded_run.py
checks the embedded run itself).
"""

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import include, path, reverse

from config import urls as site_urls

TECHNICAL = (
    "Traceback",
    "Using the URLconf",
    "urlpatterns",
    "Django tried these URL patterns",
    "DEBUG = True",
    "ZeroDivisionError",
    "Request Method",
    "Exception Value",
)


def _boom(request):
    return 1 // 0


def _forbidden(request):
    raise PermissionDenied


def _suspicious(request):
    raise SuspiciousOperation("tampered")


def _database_gone(request):
    raise OperationalError("terminating connection due to administrator command")


handler500 = site_urls.handler500
urlpatterns = [
    path("boom/", _boom),
    path("forbidden/", _forbidden),
    path("suspicious/", _suspicious),
    path("database-gone/", _database_gone),
    path("", include(site_urls)),
]


def _main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def _page(response) -> str:
    text = response.content.decode()
    for marker in TECHNICAL:
        assert marker not in text, marker
    assert '<html lang="zh-hans">' in text
    assert 'class="site-header"' in text  # the site's layout, not a bare page
    return text


@pytest.mark.django_db
def test_unknown_address_is_a_chinese_404(client, city):
    client.force_login(city.manager_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = _page(response)
    assert "页面不存在" in text or "未找到" in text
    assert "返回我的小区" in text


@pytest.mark.django_db
def test_another_companys_compound_looks_like_a_missing_one(client, city):
    client.force_login(city.manager_a)
    theirs = client.get(reverse("communities:compound_detail", args=[city.compounds["B1"].code]))
    missing = client.get(reverse("communities:compound_detail", args=["NO-SUCH-CODE"]))
    assert theirs.status_code == missing.status_code == 404
    assert _main(_page(theirs)) == _main(_page(missing))


@pytest.mark.django_db
def test_a_role_without_the_permission_gets_a_chinese_403(client, city):
    client.force_login(city.nobody)
    response = client.get(reverse("inspections:check_list"))
    assert response.status_code == 403
    assert "无权" in _page(response)


@pytest.mark.django_db
def test_an_expired_form_gets_a_chinese_csrf_page(city):
    client = Client(enforce_csrf_checks=True)
    client.force_login(city.manager_a)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    text = _page(response)
    assert "表单已过期" in text
    assert "CSRF" not in text


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_server_error_is_a_chinese_500_without_a_traceback(city):
    client = Client(raise_request_exception=False)
    client.force_login(city.manager_a)
    response = client.get("/boom/")
    assert response.status_code == 500
    text = _page(response)
    assert "出错" in text
    assert "division" not in text


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_database_that_does_not_answer_is_a_503_saying_try_again(city):
    client = Client(raise_request_exception=False)
    client.force_login(city.manager_a)
    response = client.get("/database-gone/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    text = _page(response)
    assert "数据库暂时没有响应" in text and "不会只保存一半" in text
    assert "administrator command" not in text


@pytest.mark.django_db
def test_a_database_down_before_the_view_is_the_same_503(city):
    """Every statement fails (a restart): the session and user are read by middleware,
    before any view, and the answer is still the plain 503."""
    client = Client(raise_request_exception=False)
    client.force_login(city.manager_a)
    with mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError("gone")):
        response = client.get(reverse("communities:home"))
    assert response.status_code == 503
    assert "系统暂时无法访问" in _page(response)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_forbidden_and_bad_requests_use_the_sites_pages(client):
    forbidden = client.get("/forbidden/")
    assert forbidden.status_code == 403
    assert "无权" in _page(forbidden)
    bad = client.get("/suspicious/")
    assert bad.status_code == 400
    text = _page(bad)
    assert "请求有误" in text
    assert "tampered" not in text


@pytest.mark.django_db
def test_error_pages_follow_the_chosen_language(client, city):
    client.force_login(city.manager_a)
    response = client.get("/no-such-page/", headers={"accept-language": "en"})
    assert response.status_code == 404
    text = response.content.decode()
    assert '<html lang="en">' in text
    assert "Not found" in text
