"""The report pages: who sees which report, requesting, downloading, publishing."""

import datetime
import hashlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Notification
from communities.months import previous_month
from communities.uploads import file_sha256
from reports.models import MonthlyReport, ReportStatus
from reports.services import report_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def month():
    return previous_month(timezone.localdate())


@pytest.fixture
def reports(city, month, django_capture_on_commit_callbacks):
    """The district's report and both streets', built."""
    with django_capture_on_commit_callbacks(execute=True):
        district = report_request(user=None, district=city.district, month=month)
        street1 = report_request(
            user=None, district=city.district, street=city.streets[0], month=month
        )
        street2 = report_request(
            user=None, district=city.district, street=city.streets[1], month=month
        )
    for report in (district, street1, street2):
        report.refresh_from_db()
        assert report.status == ReportStatus.READY, report.error
    return district, street1, street2


def listed(client, user) -> set[int]:
    client.force_login(user)
    response = client.get(reverse("reports:report_list"))
    assert response.status_code == 200
    return {int(pk) for pk in response.context["page"].object_list.values_list("pk", flat=True)}


def test_the_bureau_lists_every_report_of_its_district(client, city, reports):
    assert listed(client, city.bureau) == {r.pk for r in reports}


def test_a_street_office_lists_its_own_street_and_the_published_district_report(
    client, city, reports
):
    district, street1, _street2 = reports
    assert listed(client, city.street) == {street1.pk}
    MonthlyReport.objects.filter(pk=district.pk).update(status=ReportStatus.PUBLISHED)
    assert listed(client, city.street) == {street1.pk, district.pk}


def test_another_streets_report_and_its_files_are_404(client, city, reports):
    _district, _street1, street2 = reports
    client.force_login(city.street)
    assert client.get(reverse("reports:report_detail", args=[street2.pk])).status_code == 404
    url = reverse("reports:report_download", args=[street2.pk, "xlsx"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["community", "manager_a", "nobody"])
def test_committees_and_companies_have_no_reports(client, city, reports, who):
    client.force_login(getattr(city, who))
    assert client.get(reverse("reports:report_list")).status_code == 403
    url = reverse("reports:report_detail", args=[reports[1].pk])
    assert client.get(url).status_code == 403


def test_the_page_shows_the_stored_figures_and_the_downloads_are_the_stored_files(
    client, city, reports
):
    district = reports[0]
    client.force_login(city.bureau)
    page = client.get(reverse("reports:report_detail", args=[district.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-figure="self_checks_due"' in body
    assert "和平街道" in body  # the ranking, or the note naming the streets not ranked
    for kind, field in (("xlsx", "workbook"), ("docx", "circular")):
        response = client.get(reverse("reports:report_download", args=[district.pk, kind]))
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        assert content.startswith(b"PK")
        assert response["Cache-Control"] == "private, no-store"
        assert hashlib.sha256(content).hexdigest() == getattr(district, f"{field}_sha256")
        assert file_sha256(getattr(district, field).path) == getattr(district, f"{field}_sha256")


def test_a_street_office_requests_its_own_street_only(client, city, month):
    client.force_login(city.street)
    form = client.get(reverse("reports:report_list")).context["form"]
    assert "district" not in form.fields
    assert [value for value, _label in form.fields["street"].choices] == [city.streets[0].pk]
    own = {"street": city.streets[0].pk, "month": month.strftime("%Y-%m")}
    response = client.post(reverse("reports:report_request"), own)
    report = MonthlyReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report_detail", args=[report.pk])
    assert (report.street, report.requested_by) == (city.streets[0], city.street)
    for other in (
        {"street": city.streets[1].pk},
        {"street": ""},  # the district's own report is the bureau's
        {"street": "", "district": city.district.pk},
    ):
        refused = client.post(reverse("reports:report_request"), {**own, **other})
        assert refused.status_code == 400
    assert MonthlyReport.objects.count() == 1


def test_the_bureau_requests_its_districts_report_or_a_streets(client, city, month):
    client.force_login(city.bureau)
    form = client.get(reverse("reports:report_list")).context["form"]
    assert "district" not in form.fields  # one district: no choice to make
    assert [value for value, _label in form.fields["street"].choices] == [
        "",
        *(s.pk for s in city.streets),
    ]
    data = {"street": "", "month": month.strftime("%Y-%m")}
    assert client.post(reverse("reports:report_request"), data).status_code == 302
    data["street"] = city.streets[1].pk
    assert client.post(reverse("reports:report_request"), data).status_code == 302
    assert {(r.district, r.street) for r in MonthlyReport.objects.all()} == {
        (city.district, None),
        (city.district, city.streets[1]),
    }
    refused = client.post(reverse("reports:report_request"), {**data, "street": "１"})
    assert refused.status_code == 400
    assert MonthlyReport.objects.count() == 2


def test_past_the_limit_the_report_street_is_typed(client, city, month, monkeypatch):
    monkeypatch.setattr("communities.street_choice.STREET_CHOICES_MAX", 1)
    client.force_login(city.bureau)
    html = client.get(reverse("reports:report_list")).content.decode()
    select = re.search(r'<select[^>]*name="street".*?</select>', html, re.S).group(0)
    assert 'data-autocomplete-url="{}"'.format(reverse("communities:street_autocomplete")) in select
    assert len(re.findall(r"<option\b", select)) == 1  # the whole district
    data = {"street": city.streets[1].pk, "month": month.strftime("%Y-%m")}
    assert client.post(reverse("reports:report_request"), data).status_code == 302
    assert MonthlyReport.objects.get().street == city.streets[1]


def test_a_future_month_is_refused_and_the_form_keeps_what_was_typed(client, city):
    client.force_login(city.bureau)
    future = timezone.localdate().replace(day=1) + datetime.timedelta(days=40)
    data = {"street": "", "month": future.strftime("%Y-%m")}
    response = client.post(reverse("reports:report_request"), data)
    assert response.status_code == 400
    assert future.strftime("%Y-%m") in response.content.decode()
    assert not MonthlyReport.objects.exists()


def test_publishing_is_the_bureaus_and_tells_the_street_offices(client, city, reports):
    district = reports[0]
    client.force_login(city.street)
    assert client.post(reverse("reports:report_publish", args=[district.pk])).status_code == 404
    client.force_login(city.bureau)
    response = client.post(reverse("reports:report_publish", args=[district.pk]))
    assert response.status_code == 302
    district.refresh_from_db()
    assert district.status == ReportStatus.PUBLISHED
    assert district.published_by == city.bureau
    notified = Notification.objects.filter(kind="report_published")
    assert set(notified.values_list("user__username", flat=True)) == {"street"}
    # a street's own report: the street office may not publish it
    client.force_login(city.street)
    street1 = reports[1]
    assert client.post(reverse("reports:report_publish", args=[street1.pk])).status_code == 403
    street1.refresh_from_db()
    assert street1.status == ReportStatus.READY


def test_regenerating_a_published_report_makes_a_new_version(
    client, city, reports, django_capture_on_commit_callbacks
):
    district = reports[0]
    client.force_login(city.bureau)
    client.post(reverse("reports:report_publish", args=[district.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_regenerate", args=[district.pk]))
    new = MonthlyReport.objects.get(district=city.district, street=None, version=2)
    assert response["Location"] == reverse("reports:report_detail", args=[new.pk])
    new.refresh_from_db()
    assert new.status == ReportStatus.READY
    district.refresh_from_db()
    assert district.status == ReportStatus.PUBLISHED
    page = client.get(reverse("reports:report_detail", args=[new.pk]))
    assert 'data-testid="report-versions"' in page.content.decode()


LIST_QUERIES, PAGE_QUERIES = 11, 10  # may_request: one query


@pytest.mark.parametrize("months", [1, 6])
def test_the_list_and_the_page_keep_their_query_counts(
    client, city, reports, month, months, django_assert_num_queries
):
    for back in range(1, months):  # more reports: the counts stay
        earlier = month
        for _ in range(back):
            earlier = previous_month(earlier)
        for street in (None, *city.streets):
            MonthlyReport.objects.create(
                district=city.district, street=street, month=earlier, status=ReportStatus.FAILED
            )
    client.force_login(city.bureau)
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(reverse("reports:report_list")).status_code == 200
    with django_assert_num_queries(PAGE_QUERIES):
        url = reverse("reports:report_detail", args=[reports[0].pk])
        assert client.get(url).status_code == 200


def test_a_user_of_two_districts_chooses_a_district_or_any_of_their_streets(client, city, month):
    from communities.models import OrganisationKind
    from communities.services import membership_set
    from tests import factories as f

    other = f.DistrictFactory(code="110106", name="丰台示范区")
    far_street = f.StreetFactory(district=other, code="110106001", name="远方街道")
    bureau2 = f.OrganisationFactory(
        name="丰台示范区住建局", kind=OrganisationKind.BUREAU, district=other
    )
    both = f.UserFactory(username="both")
    membership_set(user=both, organisation=city.org.bureau, role="admin")
    membership_set(user=both, organisation=bureau2, role="admin")
    client.force_login(both)
    form = client.get(reverse("reports:report_list")).context["form"]
    assert {d.pk for d in form.fields["district"].queryset} == {city.district.pk, other.pk}
    request = reverse("reports:report_request")
    data = {"month": month.strftime("%Y-%m"), "district": city.district.pk, "street": ""}
    # a street's report is of the street's district, whichever district is chosen
    assert client.post(request, {**data, "street": far_street.pk}).status_code == 302
    assert client.post(request, {**data, "district": other.pk}).status_code == 302
    for refused in ({"district": ""}, {"district": "１"}):
        response = client.post(request, {**data, **refused})
        assert response.status_code == 400
        assert "district" in response.context["form"].errors
    assert {(r.district, r.street) for r in MonthlyReport.objects.all()} == {
        (other, far_street),
        (other, None),
    }
