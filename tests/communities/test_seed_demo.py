"""``seed_demo``: the invented demo city, valid codes, idempotent, and the scoping rule on it."""

from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.db.models import Count, Q
from django.urls import reverse

from communities.demo import (
    COMPANY_A_COMPOUNDS,
    COMPANY_B_COMPOUNDS,
    COMPANY_NAMES,
    DEMO_PASSWORD,
    demo_city_counts,
    demo_city_plan,
)
from communities.models import (
    Community,
    Compound,
    District,
    Household,
    ManagementMode,
    ManagementTerm,
    Organisation,
    OrganisationKind,
    PropertyCompany,
    Street,
)
from communities.scoping import compounds_visible_to

User = get_user_model()
USERNAMES = ["bureau", "street", "community", "manager", "manager2"]


def _seed(**options) -> str:
    """The city only, unless a test asks for the whole demo: the other apps' demo steps have
    their own tests (tests/inspections/test_demo.py) and take seconds each."""
    options.setdefault("city_only", True)
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def demo(db):
    _seed()


@pytest.fixture
def small_demo(db):
    """The same city with few households, for tests that do not count them."""
    _seed(households_per_compound=4)


def _codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def _current_compounds(company_name: str) -> set[str]:
    company = PropertyCompany.objects.get(name=company_name)
    return _codes(Compound.objects.managed_by([company.pk]))


def test_seed_demo_loads_a_city_of_the_promised_size(db):
    output = _seed()
    counts = demo_city_counts()
    assert counts["districts"] == 1
    assert counts["streets"] == 4
    assert counts["communities"] == 12
    assert counts["compounds"] == 60
    assert counts["property companies"] == 15
    assert 3000 <= counts["households"] <= 5000
    assert Organisation.objects.filter(kind=OrganisationKind.BUREAU).count() == 1
    assert Organisation.objects.filter(kind=OrganisationKind.STREET_OFFICE).count() == 4
    assert Organisation.objects.filter(kind=OrganisationKind.COMMUNITY_COMMITTEE).count() == 12
    assert Organisation.objects.filter(kind=OrganisationKind.PROPERTY_COMPANY).count() == 15
    assert str(counts["households"]) in output
    for username in USERNAMES:
        assert username in output
    assert DEMO_PASSWORD in output


def test_running_seed_demo_twice_changes_nothing(db):
    _seed(city_only=False)
    counts = demo_city_counts()
    log_entries = LogEntry.objects.count()
    stamps = set(Compound.objects.values_list("pk", "updated_at"))
    users = set(User.objects.values_list("pk", "password", "is_staff"))
    memberships = set(User.objects.values_list("pk", "memberships__pk", "groups__name"))

    output = _seed(city_only=False)

    assert demo_city_counts() == counts
    assert LogEntry.objects.count() == log_entries
    assert set(Compound.objects.values_list("pk", "updated_at")) == stamps
    assert set(User.objects.values_list("pk", "password", "is_staff")) == users
    assert set(User.objects.values_list("pk", "memberships__pk", "groups__name")) == memberships
    assert "Households created this run: 0" in output


def test_the_same_seed_draws_the_same_city_and_another_seed_another():
    first = demo_city_plan(seed=7, households_per_compound=10)
    assert demo_city_plan(seed=7, households_per_compound=10) == first
    assert demo_city_plan(seed=8, households_per_compound=10) != first


def test_every_region_company_compound_and_term_passes_full_clean(small_demo):
    for model in (District, Street, Community, Compound, PropertyCompany, ManagementTerm):
        rows = list(model.objects.all())
        assert rows, model
        for row in rows:
            row.full_clean()
    for organisation in Organisation.objects.all():
        organisation.full_clean()


def test_region_codes_nest_street_in_district_and_community_in_street(small_demo):
    district = District.objects.get()
    for street in Street.objects.all():
        assert street.code[:6] == district.code and len(street.code) == 9
    for community in Community.objects.select_related("street"):
        assert community.code[:9] == community.street.code and len(community.code) == 12


def test_households_have_valid_personal_data_and_a_mix_of_occupancy(demo):
    households = Household.objects.all()
    sample = list(households.exclude(head_id_number="").order_by("pk")[:300])
    sample += list(households.exclude(head_phone="").order_by("-pk")[:300])
    for household in sample:
        household.full_clean()
    occupancy = dict(households.values_list("occupancy").annotate(n=Count("pk")))
    assert set(occupancy) == {"owner", "rented", "vacant"}
    assert occupancy["owner"] > occupancy["rented"] > 0
    assert households.filter(floating_residents__gt=0).exists()
    assert households.exclude(head_id_number="").count() > 500
    assert households.filter(head_name="").exists()


def test_compounds_are_varied_and_only_company_managed_ones_have_a_current_term(small_demo):
    compounds = Compound.objects.all()
    assert {"company", "quasi", "none"} <= set(compounds.values_list("management_mode", flat=True))
    assert compounds.filter(kind="old").exists()
    assert compounds.filter(year_built__lt=2000).count() >= 10
    assert compounds.exclude(title_level="").filter(title_year__isnull=False).count() >= 3
    assert compounds.filter(has_owners_committee=True).exists()
    running = set(ManagementTerm.objects.current().values_list("compound__code", flat=True))
    company_run = _codes(compounds.filter(management_mode=ManagementMode.PROPERTY_COMPANY))
    assert running == company_run
    past = ManagementTerm.objects.exclude(end__isnull=True)
    assert past.count() >= 3
    assert past.filter(compound__management_mode=ManagementMode.PROPERTY_COMPANY).exists()


def test_every_company_has_an_organisation_and_runs_at_least_one_compound(small_demo):
    companies = PropertyCompany.objects.annotate(
        running=Count("management_terms", filter=Q(management_terms__end__isnull=True))
    )
    for company in companies:
        assert company.organisation.kind == OrganisationKind.PROPERTY_COMPANY
        assert company.running >= 1, company.name
        assert company.contact_person and company.contact_phone


@pytest.mark.parametrize("username", USERNAMES)
def test_each_demo_user_logs_in_with_the_demo_password(client, small_demo, username):
    user = User.objects.get(username=username)
    assert user.is_staff and not user.is_superuser
    assert user.groups.get().name.endswith(":admin")
    # Through the login form, as a person would (axes needs the request), and straight home:
    # the demo password meets the password policy and is never to be changed at first login.
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("communities:home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("communities:home")).status_code == 200
    # The policy accepts it for this login (a new account: no history to repeat).
    validate_password(DEMO_PASSWORD, User(username=username, first_name=user.first_name))


def test_managers_see_only_their_own_companys_compounds(small_demo):
    manager = User.objects.get(username="manager")
    manager2 = User.objects.get(username="manager2")
    seen_by_a = _codes(compounds_visible_to(manager))
    seen_by_b = _codes(compounds_visible_to(manager2))
    assert seen_by_a == _current_compounds(COMPANY_NAMES[0])
    assert seen_by_b == _current_compounds(COMPANY_NAMES[1])
    assert set(Compound.objects.filter(code__in=seen_by_a).values_list("name", flat=True)) == (
        set(COMPANY_A_COMPOUNDS)
    )
    assert set(Compound.objects.filter(code__in=seen_by_b).values_list("name", flat=True)) == (
        set(COMPANY_B_COMPOUNDS)
    )
    assert not seen_by_a & seen_by_b


def test_a_company_does_not_see_a_compound_it_ran_in_the_past(small_demo):
    manager2 = User.objects.get(username="manager2")
    past = ManagementTerm.objects.filter(
        company__name=COMPANY_NAMES[1], end__isnull=False
    ).values_list("compound__code", flat=True)
    assert past
    assert not set(past) & _codes(compounds_visible_to(manager2))


def test_street_and_community_see_only_their_area(small_demo):
    street_user = User.objects.get(username="street")
    community_user = User.objects.get(username="community")
    street = Organisation.objects.get(memberships__user=street_user).street
    community = Organisation.objects.get(memberships__user=community_user).community
    assert community.street == street
    assert _codes(compounds_visible_to(street_user)) == _codes(
        Compound.objects.filter(community__street=street)
    )
    assert _codes(compounds_visible_to(community_user)) == _codes(community.compounds.all())


def test_company_b_runs_a_compound_in_the_street_users_street(small_demo):
    street_user = User.objects.get(username="street")
    seen_by_street = _codes(compounds_visible_to(street_user))
    assert seen_by_street & _current_compounds(COMPANY_NAMES[1])
    assert seen_by_street & _current_compounds(COMPANY_NAMES[0])
    assert seen_by_street - _codes(compounds_visible_to(User.objects.get(username="community")))


def test_bureau_sees_every_compound_of_the_district(small_demo):
    bureau = User.objects.get(username="bureau")
    assert _codes(compounds_visible_to(bureau)) == _codes(Compound.objects.all())


def test_help_documents_the_flags():
    from communities.management.commands.seed_demo import Command

    text = Command().create_parser("manage.py", "seed_demo").format_help()
    assert "--households-per-compound" in text
    assert "--seed" in text
    assert "Idempotent" in text


def test_households_per_compound_below_one_is_refused(db):
    with pytest.raises(CommandError, match="at least 1"):
        _seed(households_per_compound=0)
    assert not Compound.objects.exists()
