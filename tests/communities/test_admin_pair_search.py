"""The admin's search of households and residents through their pair indexes (issue 14,
``communities/admin/pair_search.py``): the same rows as Django's own search for every member of
the cast, whether they may search personal data or not; on PostgreSQL read through each table's
pair index (``communities.0012``)."""

import pytest
from django.contrib import admin
from django.db import connection
from django.urls import reverse

from communities import search
from communities.admin.pair_search import search_words
from communities.models import Household, Resident
from communities.privacy import can_see_personal_data
from tests import factories as f

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"
CAST = ["bureau", "street", "community", "manager_a", "viewer_a"]
WORDS = [
    "王伟",
    "王",
    "伟 甲二",
    '"王伟" 乙二',
    "甲一",
    "a2",
    "B2",
    "1390000",
    "501",
    "3 501",
    "赵六",
    "无此人",
    "伟王",
]


@pytest.fixture
def homes(city):
    c = city.compounds
    wang = f.HouseholdFactory(
        compound=c["A1"], building="3", room="501", head_name="王伟", landlord_name="赵六"
    )
    li = f.HouseholdFactory(
        compound=c["A2"], building="5", room="1501", head_name="李伟", head_phone="13900001111"
    )
    shared = f.HouseholdFactory(compound=c["B2"], building="12", room="201", head_name="")
    for household, name in ((wang, "王伟"), (li, "王小伟"), (shared, "王伟"), (shared, "伟王")):
        f.ResidentFactory(household=household, name=name)
    return city


def request_of(rf, user):
    request = rf.get("/admin/")
    request.user = user
    return request


def searched(model_admin, request, word, *, djangos=False) -> set[int]:
    queryset = model_admin.get_queryset(request)
    search = (
        admin.ModelAdmin.get_search_results if djangos else type(model_admin).get_search_results
    )
    found, _duplicates = search(model_admin, request, queryset, word)
    return set(found.values_list("pk", flat=True))


@pytest.mark.parametrize("model", [Household, Resident])
@pytest.mark.parametrize("who", CAST)
def test_the_search_finds_what_djangos_search_finds(homes, rf, model, who):
    model_admin = admin.site._registry[model]
    request = request_of(rf, getattr(homes, who))
    found_any = False
    for word in WORDS:
        ours = searched(model_admin, request, word)
        assert ours == searched(model_admin, request, word, djangos=True), word
        found_any |= bool(ours)
    assert found_any


def test_personal_data_is_searched_only_by_who_may_see_it(homes, rf):
    households = admin.site._registry[Household]
    allowed = [who for who in CAST if can_see_personal_data(getattr(homes, who))]
    denied = [who for who in CAST if who not in allowed]
    assert "bureau" in allowed
    assert denied
    wang = Household.objects.get(head_name="王伟")
    assert searched(households, request_of(rf, homes.bureau), "王伟") == {wang.pk}
    for who in denied:
        assert searched(households, request_of(rf, getattr(homes, who)), "王伟") == set()
        # but the home's place still finds it, if the member may see the compound
    assert searched(households, request_of(rf, homes.street), "甲一 501") == {wang.pk}


def test_a_resident_is_found_by_the_building_and_room_of_the_home(homes, rf):
    residents = admin.site._registry[Resident]
    found = searched(residents, request_of(rf, homes.bureau), "1501")
    assert found == set(
        Resident.objects.filter(household__room="1501").values_list("pk", flat=True)
    )
    assert len(found) == 1


def test_the_words_are_split_and_unquoted_as_djangos(homes):
    assert search_words("王 \"甲一 小区\" 'B2'") == ["王", "甲一 小区", "B2"]


def test_the_change_lists_show_what_was_found(homes, client):
    client.force_login(homes.bureau)
    response = client.get(reverse("admin:communities_household_changelist"), {"q": "王伟"})
    assert response.status_code == 200
    assert [h.head_name for h in response.context["cl"].result_list] == ["王伟"]
    response = client.get(reverse("admin:communities_resident_changelist"), {"q": "王伟"})
    assert response.status_code == 200
    assert sorted(r.name for r in response.context["cl"].result_list) == ["王伟", "王伟"]


@pytest.mark.parametrize(
    ("model", "index"),
    [(Household, "communities_household_row_pairs"), (Resident, "communities_resident_row_pairs")],
)
def test_postgresql_reads_the_tables_pair_index(homes, model, index):
    """On PostgreSQL a search's own part reads the table's index (the expression is the
    index's); SQLite (no GIN index) keeps Django's search."""
    found, exact = search.row_part(model.search_columns, model.search_columns, "王伟")
    sql, params = model.objects.filter(found & exact).order_by().query.sql_with_params()
    assert ("sc_bigrams" in sql) is ON_POSTGRESQL
    if not ON_POSTGRESQL:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows: else a scan is cheaper
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan, plan
