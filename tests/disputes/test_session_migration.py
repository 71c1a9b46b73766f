"""Migration 0005: a session's attendees text moves into ``other_attendees``; the names in it
that are exactly the case's parties become references (masked like every party), the rest of
the text stays, and a text naming no party stays exactly as it was. Going back restores the
names in the text."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from disputes.models import MediationSession

from .conftest import accept, register

BEFORE = [("disputes", "0004_timeline_actions")]
AFTER = [("disputes", "0005_session_attendees")]
PARTIES = [
    {"role": "applicant", "name": "赵明远", "phone": "", "id_number": ""},
    {"role": "respondent", "name": "孙丽华", "phone": "", "id_number": ""},
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def old_attendees() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, attendees FROM disputes_mediationsession")
        return dict(cursor.fetchall())


def set_old_attendees(pk: int, text: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE disputes_mediationsession SET attendees = %s WHERE id = %s", [text, pk]
        )


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_old_text_and_links_the_parties_it_names(city, today):
    from disputes import services

    case = accept(register(city, city.manager_a, "A1", parties=PARTIES), city.community)
    sessions = [
        services.session_record(
            case=case, actor=city.community, held_on=today, mediators="刘", agreed="和解"
        )
        for _ in range(3)
    ]
    texts = {
        sessions[0].pk: "赵明远、孙丽华、楼长",  # two parties and an office
        sessions[1].pk: "社区民警老周，赵明远的儿子",  # no name standing alone: kept as it is
        sessions[2].pk: "",
    }
    try:
        migrate(BEFORE)
        for pk, text in texts.items():
            set_old_attendees(pk, text)
        migrate(AFTER)

        first, second, third = (MediationSession.objects.get(pk=s.pk) for s in sessions)
        assert set(first.parties_present.values_list("name", flat=True)) == {"赵明远", "孙丽华"}
        assert first.other_attendees == "楼长"
        assert not second.parties_present.exists()
        assert second.other_attendees == "社区民警老周，赵明远的儿子"
        assert (third.other_attendees, third.parties_present.count()) == ("", 0)

        migrate(BEFORE)  # and back: the names are in the text again
        assert old_attendees() == {
            sessions[0].pk: "赵明远、孙丽华、楼长",
            sessions[1].pk: "社区民警老周，赵明远的儿子",
            sessions[2].pk: "",
        }
    finally:  # every app at its latest migration again, for the tests that follow
        executor = MigrationExecutor(connection)
        migrate(executor.loader.graph.leaf_nodes())
