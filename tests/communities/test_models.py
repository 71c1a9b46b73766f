"""Model rules of the register: code prefixes, terms, organisations, titles."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from communities import models as m
from communities.models.companies import MSG_TERM_OVERLAP
from tests import factories as f


def test_street_code_must_start_with_its_district_code(city):
    street = m.Street(district=city.district, code="120101001", name="错街道")
    with pytest.raises(ValidationError) as err:
        street.full_clean()
    assert "110105" in err.value.message_dict["code"][0]


def test_community_code_must_start_with_its_street_code(city):
    community = m.Community(street=city.streets[0], code="110105002009", name="错社区")
    with pytest.raises(ValidationError) as err:
        community.full_clean()
    assert "110105001" in err.value.message_dict["code"][0]


def test_overlapping_management_terms_are_refused(city):
    term = m.ManagementTerm(
        compound=city.compounds["A1"], company=city.company_b, start=datetime.date(2025, 6, 1)
    )
    with pytest.raises(ValidationError) as err:
        term.full_clean()
    assert err.value.messages == [str(MSG_TERM_OVERLAP)]


def test_a_new_term_after_the_old_one_ends_is_accepted_and_changes_the_company(city):
    compound = city.compounds["A2"]
    old = compound.management_terms.get(company=city.company_a)
    old.end = datetime.date(2025, 12, 31)
    old.full_clean()
    old.save()
    new = m.ManagementTerm(
        compound=compound, company=city.company_b, start=datetime.date(2026, 1, 1)
    )
    new.full_clean()
    new.save()
    annotated = m.Compound.objects.with_current_company().get(pk=compound.pk)
    assert annotated.current_company_name == "乙物业公司"
    assert compound.current_term().company == city.company_b


def test_term_end_before_start_is_refused(city):
    term = m.ManagementTerm(
        compound=city.compounds["N1"],
        company=city.company_a,
        start=datetime.date(2025, 6, 1),
        end=datetime.date(2025, 5, 1),
    )
    with pytest.raises(ValidationError) as err:
        term.full_clean()
    assert "end" in err.value.message_dict


def test_compound_without_a_term_has_no_current_company(city):
    annotated = m.Compound.objects.with_current_company().get(code="N1")
    assert annotated.current_company_name is None


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        (m.OrganisationKind.BUREAU, "district"),
        (m.OrganisationKind.STREET_OFFICE, "street"),
        (m.OrganisationKind.COMMUNITY_COMMITTEE, "community"),
        (m.OrganisationKind.PROPERTY_COMPANY, "property_company"),
    ],
)
def test_an_organisation_needs_exactly_the_area_of_its_kind(city, kind, field):
    org = m.Organisation(name="测试机构", kind=kind, district=city.district)
    if field == "district":
        org.street = city.streets[0]  # one too many
    with pytest.raises(ValidationError) as err:
        org.full_clean()
    assert field in err.value.message_dict


def test_title_level_and_year_go_together(city):
    compound = city.compounds["A1"]
    compound.title_level = m.SafeTitleLevel.CITY
    compound.title_year = None
    with pytest.raises(ValidationError) as err:
        compound.full_clean()
    assert "title_year" in err.value.message_dict
    compound.title_year = 2025
    compound.full_clean()


def test_household_personal_data_is_stored_normalised(city):
    household = f.HouseholdFactory(
        compound=city.compounds["A1"],
        head_phone="+86 139 0000 1111",
        head_id_number="11010519491231002x",
    )
    household.refresh_from_db()
    assert household.head_phone == "13900001111"
    assert household.head_id_number == "11010519491231002X"


def test_credit_code_is_stored_in_capitals(city):
    company = f.PropertyCompanyFactory(credit_code="91350100m000100y43")
    company.refresh_from_db()
    assert company.credit_code == "91350100M000100Y43"


def test_a_district_code_cannot_change_under_its_streets(city):
    district = city.district
    district.code = "110106"
    with pytest.raises(ValidationError) as err:
        district.full_clean()
    assert "code" in err.value.message_dict
    empty = m.District.objects.create(code="130101", name="空区")
    empty.code = "130102"
    empty.full_clean()  # no streets yet: the code may still be corrected


def test_a_street_code_cannot_change_under_its_communities(city):
    street = city.streets[0]
    street.code = "110105009"
    with pytest.raises(ValidationError) as err:
        street.full_clean()
    assert "code" in err.value.message_dict


def test_account_changes_are_audited_without_the_password(client, city):
    from auditlog.models import LogEntry

    city.street.first_name = "张"
    city.street.set_password("Changed-2026-pass")
    city.street.save()
    changes = LogEntry.objects.get_for_object(city.street).filter(action=LogEntry.Action.UPDATE)
    entry = changes.latest("timestamp")
    assert "first_name" in entry.changes_dict
    assert "password" not in entry.changes_dict
