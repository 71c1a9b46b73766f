"""The fixed cast every test can use.

One district with two streets. Street 1 has community 1 (compounds A1, A2 run by company A;
compound N1 with no company) and community 2 (compound B2 run by company B). Street 2 has
community 3 with compound B1 (company B).

Users: ``bureau`` (district admin), ``street`` (street 1 admin), ``community`` (community 1
admin), ``manager_a`` (company A admin), ``manager_b`` (company B admin), ``nobody`` (no
membership), ``viewer_a`` (company A viewer).
"""

import copy
import datetime
import os
from types import SimpleNamespace

import pytest
import time_machine
from auditlog.context import disable_auditlog
from django.db import transaction
from django.test import override_settings

from communities.models import ManagementMode, OrganisationKind, Role
from communities.services import membership_set
from tests import factories as f

# The switch that keeps date bombs out: with SAFECOMPOUND_TEST_CLOCK_SHIFT_DAYS=N the whole session
# runs N days from now (a session-wide time-machine travel; the clock keeps ticking). Tests that
# fix their own "today" travel inside it as usual. `.ci/run` runs the suite once this way.
CLOCK_SHIFT_ENV = "SAFECOMPOUND_TEST_CLOCK_SHIFT_DAYS"
_CLOCK_KEY = pytest.StashKey[time_machine.travel]()


def pytest_configure(config):
    days = os.environ.get(CLOCK_SHIFT_ENV, "").strip()
    if not days:
        return
    destination = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=int(days))
    traveller = time_machine.travel(destination, tick=True)
    traveller.start()
    config.stash[_CLOCK_KEY] = traveller


def pytest_unconfigure(config):
    traveller = config.stash.get(_CLOCK_KEY, None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config):
    if _CLOCK_KEY in config.stash:
        days = os.environ[CLOCK_SHIFT_ENV]
        return (
            f"clock moved {days} days ahead: today is {datetime.date.today()}; "
            "tests marked other_processes are left to the run at today's date"
        )
    return None


def pytest_collection_modifyitems(config, items):
    """With the clock moved, leave out the tests whose work runs in processes of their own
    (`manage.py` commands, a server): the move reaches only this process, so there they would
    run at today's date again, repeating the first run for several minutes."""
    if _CLOCK_KEY not in config.stash:
        return
    left = [item for item in items if item.get_closest_marker("other_processes")]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = [item for item in items if not item.get_closest_marker("other_processes")]


def _member(username, org, role=Role.ADMIN):
    user = f.UserFactory(username=username)
    membership_set(user=user, organisation=org, role=role)
    user.refresh_from_db()
    return user


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads, evidence and demo photos go to a temporary folder, never the project's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache (the dashboard's kept figures): ids repeat from
    test to test, so a snapshot kept by one would be read by the next."""
    from django.core.cache import cache

    from communities.residents import tallies

    cache.clear()
    tallies.forget()  # the marks of the test before, whose changes rolled back


@pytest.fixture
def city(db):
    return build_city()


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker, tmp_path_factory):
    """A transaction for the data that a module's tests share, rolled back after its last test.

    A world that takes seconds to build (a month of self-checks, hazards and cases) is built
    once per module (per worker) inside it instead of once per test. Each test still runs in
    its own savepoint inside it (pytest-django's ``db``), so what a test writes is gone before
    the next one; and each test takes its own copy of the Python objects (``shared_copy``).
    Only modules whose every database test uses the shared world may use this: a test there
    sees the world whether it asked for it or not."""
    media = tmp_path_factory.mktemp("module-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        yield
        transaction.set_rollback(True)


def shared_copy(world):
    """A test's own copy of a module's shared world: a test may change its objects."""
    return copy.deepcopy(world)


def build_city():
    """The cast (the module's docstring). Built without audit entries: no test reads the
    cast's own creation, and writing them was half the time every test spent on the cast."""
    with disable_auditlog():
        return _build_city()


def _build_city():
    district = f.DistrictFactory(code="110105", name="朝阳示范区")
    street1 = f.StreetFactory(district=district, code="110105001", name="和平街道")
    street2 = f.StreetFactory(district=district, code="110105002", name="建设街道")
    community1 = f.CommunityFactory(street=street1, code="110105001001", name="幸福社区")
    community2 = f.CommunityFactory(street=street1, code="110105001002", name="团结社区")
    community3 = f.CommunityFactory(street=street2, code="110105002001", name="光明社区")
    company_a = f.PropertyCompanyFactory(name="甲物业公司", district=district)
    company_b = f.PropertyCompanyFactory(name="乙物业公司", district=district)
    a1 = f.CompoundFactory(community=community1, code="A1", name="甲一小区")
    a2 = f.CompoundFactory(community=community1, code="A2", name="甲二小区")
    n1 = f.CompoundFactory(
        community=community1, code="N1", name="无物业小区", management_mode=ManagementMode.QUASI
    )
    b1 = f.CompoundFactory(community=community3, code="B1", name="乙一小区")
    b2 = f.CompoundFactory(community=community2, code="B2", name="乙二小区")
    for compound in (a1, a2):
        f.ManagementTermFactory(compound=compound, company=company_a)
    for compound in (b1, b2):
        f.ManagementTermFactory(compound=compound, company=company_b)
    # A past term: company B ran A1 before company A took over; A must not see B through it.
    f.ManagementTermFactory(
        compound=a1,
        company=company_b,
        start=datetime.date(2020, 1, 1),
        end=datetime.date(2023, 12, 31),
    )
    org = SimpleNamespace(
        bureau=f.OrganisationFactory(
            name="朝阳示范区住建局", kind=OrganisationKind.BUREAU, district=district
        ),
        street=f.OrganisationFactory(
            name="和平街道办事处", kind=OrganisationKind.STREET_OFFICE, street=street1
        ),
        community=f.OrganisationFactory(
            name="幸福社区居委会", kind=OrganisationKind.COMMUNITY_COMMITTEE, community=community1
        ),
        company_a=f.OrganisationFactory(
            name="甲物业公司", kind=OrganisationKind.PROPERTY_COMPANY, property_company=company_a
        ),
        company_b=f.OrganisationFactory(
            name="乙物业公司", kind=OrganisationKind.PROPERTY_COMPANY, property_company=company_b
        ),
    )
    households = {c.code: f.HouseholdFactory(compound=c) for c in (a1, a2, n1, b1, b2)}
    return SimpleNamespace(
        district=district,
        streets=(street1, street2),
        communities=(community1, community2, community3),
        company_a=company_a,
        company_b=company_b,
        compounds={c.code: c for c in (a1, a2, n1, b1, b2)},
        households=households,
        org=org,
        bureau=_member("bureau", org.bureau),
        street=_member("street", org.street),
        community=_member("community", org.community),
        manager_a=_member("manager_a", org.company_a),
        manager_b=_member("manager_b", org.company_b),
        viewer_a=_member("viewer_a", org.company_a, Role.VIEWER),
        nobody=f.UserFactory(username="nobody"),
    )


# Which compounds each member of the cast may see (codes).
EXPECTED_COMPOUNDS = {
    "bureau": {"A1", "A2", "N1", "B1", "B2"},
    "street": {"A1", "A2", "N1", "B2"},
    "community": {"A1", "A2", "N1"},
    "manager_a": {"A1", "A2"},
    "manager_b": {"B1", "B2"},
    "viewer_a": {"A1", "A2"},
    "nobody": set(),
}
