"""The circular's words in the admin: an edit is a new version, starting from the words in
force; unknown placeholders are refused with the list of known ones; old versions are read,
never changed; only the bureau's admins write."""

import pytest
from django.urls import reverse

from reports.default_circular import DEFAULT_CIRCULAR
from reports.models import CircularTemplate
from reports.services import circular_template_in_force
from tests import factories as f

pytestmark = pytest.mark.django_db

ADD = reverse("admin:reports_circulartemplate_add")


def form(**changes) -> dict:
    fields = {name: DEFAULT_CIRCULAR[name] for name in CircularTemplate.TEXT_FIELDS}
    return {**fields, "note": "", **changes}


def test_the_first_version_is_loaded_by_the_migration():
    first = circular_template_in_force()
    assert first.version == 1
    assert first.body == DEFAULT_CIRCULAR["body"]


def test_the_add_form_starts_from_the_words_in_force(client, city):
    CircularTemplate.objects.create(version=2, **{**DEFAULT_CIRCULAR, "title": "第二版标题"})
    client.force_login(city.bureau)
    page = client.get(ADD)
    assert page.status_code == 200
    assert page.context["adminform"].form.initial["title"] == "第二版标题"
    assert "{pass_rate_change}" in page.content.decode()  # the placeholders are listed


def test_saving_an_edit_adds_a_version_and_keeps_the_old_one(client, city):
    client.force_login(city.bureau)
    response = client.post(ADD, form(title="关于{month_label}{scope}创建工作的通报", note="改标题"))
    assert response.status_code == 302
    assert list(CircularTemplate.objects.values_list("version", flat=True)) == [2, 1]
    latest = circular_template_in_force(city.district)
    assert (latest.title, latest.created_by) == (
        "关于{month_label}{scope}创建工作的通报",
        city.bureau,
    )
    assert CircularTemplate.objects.get(version=1).title == DEFAULT_CIRCULAR["title"]


def test_an_unknown_placeholder_is_refused_and_nothing_is_saved(client, city):
    client.force_login(city.bureau)
    response = client.post(ADD, form(body="本月达标率{pass_rat}，{closure_rate}。"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "{pass_rat}" in str(errors["body"])
    assert CircularTemplate.objects.count() == 1


def test_an_old_version_cannot_be_changed(client, city):
    client.force_login(city.bureau)
    first = circular_template_in_force()
    url = reverse("admin:reports_circulartemplate_change", args=[first.pk])
    client.post(url, form(title="改了"))
    first.refresh_from_db()
    assert first.title == DEFAULT_CIRCULAR["title"]


def test_only_the_bureaus_admins_write_the_words(client, city):
    for user in (city.street, city.manager_a):
        client.force_login(user)
        assert client.post(ADD, form(title="越权")).status_code in (302, 403)
    assert CircularTemplate.objects.count() == 1


def test_a_bureau_writes_its_own_districts_words_and_others_keep_the_default(client, city):
    other = f.DistrictFactory(code="110106", name="海淀示范区")
    client.force_login(city.bureau)
    client.post(ADD, form(title="朝阳区的通报"))
    own = CircularTemplate.objects.get(version=2)
    assert own.district == city.district
    assert circular_template_in_force(city.district) == own
    assert circular_template_in_force(other).version == 1  # the installation's default
    assert circular_template_in_force(None).version == 1


def test_a_bureau_does_not_see_another_districts_words(client, city):
    other = f.DistrictFactory(code="110106", name="海淀示范区")
    theirs = CircularTemplate.objects.create(
        district=other, version=5, **{**DEFAULT_CIRCULAR, "title": "海淀区的通报"}
    )
    client.force_login(city.bureau)
    listed = client.get(reverse("admin:reports_circulartemplate_changelist"))
    assert "海淀区的通报" not in listed.content.decode()
    url = reverse("admin:reports_circulartemplate_change", args=[theirs.pk])
    assert client.get(url).status_code == 404
