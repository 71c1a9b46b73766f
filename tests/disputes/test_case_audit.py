"""A dispute's parties shown in full, its agreement downloaded, its export and a refused look
at another company's case leave entries in the audit trail (issue 10); a masked page does not."""

import hashlib

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from communities import audit
from disputes import services
from disputes.models import DisputeCase

from . import test_import as ledger_tests
from .conftest import accept, pdf_upload, register


def entries(event):
    return LogEntry.objects.filter(additional_data__event=event).order_by("pk")


@pytest.fixture
def case(city, today):
    return register(city, city.community)  # A1: an applicant with a phone, a respondent


@pytest.mark.parametrize(
    ("who", "recorded"), [("community", True), ("street", True), ("viewer_a", False)]
)
def test_the_case_page_and_its_print_record_parties_in_full(client, city, case, who, recorded):
    client.force_login(getattr(city, who))

    page = client.get(reverse("disputes:case_detail", args=[case.pk]))
    printed = client.get(reverse("disputes:case_print", args=[case.pk]))

    assert page.status_code == printed.status_code == 200
    seen = entries(audit.PERSONAL_DATA_VIEW)
    if recorded:
        assert [(e.object_pk, e.actor) for e in seen] == [(str(case.pk), getattr(city, who))] * 2
        assert seen[0].additional_data["fields"] == ["name", "phone"]
        assert "13812345678" in page.content.decode()
    else:
        assert not seen.exists()
        assert "13812345678" not in page.content.decode()


def test_the_agreement_download_is_recorded(client, city, case):
    accept(case, city.community)
    services.case_resolve(
        case=case,
        actor=city.community,
        outcome="双方和解",
        agreement_reached=True,
        agreement_file=pdf_upload(),
    )
    client.force_login(city.community)

    response = client.get(reverse("disputes:agreement", args=[case.pk]))

    assert response.status_code == 200
    entry = entries(audit.PERSONAL_DATA_VIEW).get()
    assert entry.additional_data["fields"] == ["agreement_file"]


def test_another_companys_case_is_a_404_recorded_as_refused(client, city, case):
    client.force_login(city.manager_b)  # company B runs B1 and B2, not A1

    response = client.get(reverse("disputes:case_detail", args=[case.pk]))
    missing = client.get(reverse("disputes:case_detail", args=[case.pk + 1000]))

    assert response.status_code == missing.status_code == 404
    refused = entries(audit.ACCESS_REFUSED).get()
    assert (refused.content_type.model, refused.object_pk) == ("disputecase", str(case.pk))
    assert refused.actor == city.manager_b


@pytest.mark.parametrize(("who", "in_full"), [("community", True), ("manager_a", False)])
def test_the_export_says_whether_parties_went_out_in_full(client, city, case, who, in_full):
    client.force_login(getattr(city, who))

    response = client.post(reverse("disputes:case_export"))

    assert response.status_code == 200
    entry = entries(audit.EXPORT).get()
    assert entry.additional_data["exporter"] == "disputes.cases"
    assert entry.additional_data["personal_data_in_full"] is in_full
    assert entry.additional_data["rows"] == 1


def test_a_ledger_import_refused_at_confirmation_is_recorded_as_failed(client, city, today):
    client.force_login(city.street)
    content = ledger_tests.ledger([ledger_tests.row("A1"), ledger_tests.row("A2")])
    preview = ledger_tests.upload(client, content)
    a2 = city.compounds["A2"]  # meanwhile A2 leaves the street office's area
    a2.community = city.communities[2]
    a2.save()

    ledger_tests.confirm(client, preview)

    entry = entries(audit.IMPORT).get()
    assert DisputeCase.objects.count() == 0
    assert entry.additional_data["result"] == audit.FAILED
    assert entry.additional_data["sha256"] == hashlib.sha256(content).hexdigest()
    assert entry.additional_data["rows"] == {"new": 0}


def test_parties_written_at_registration_have_their_audit_entries(city, case):
    parties = list(case.parties.order_by("pk"))

    created = LogEntry.objects.filter(
        content_type__model="party", action=LogEntry.Action.CREATE
    ).order_by("pk")

    assert [e.object_pk for e in created] == [str(p.pk) for p in parties]
    assert created[0].changes_dict["phone"][1] == "*******5678"  # masked: last four only


@pytest.mark.parametrize(("who", "recorded"), [("community", True), ("manager_a", False)])
def test_the_admin_case_page_records_parties_shown_in_full(client, city, case, who, recorded):
    client.force_login(getattr(city, who))

    page = client.get(reverse("admin:disputes_disputecase_change", args=[case.pk]))

    assert page.status_code == 200
    seen = list(entries(audit.PERSONAL_DATA_VIEW))
    assert [(e.object_pk, e.actor) for e in seen] == (
        [(str(case.pk), city.community)] if recorded else []
    )
