"""Every confirmed import is in the audit trail with the file's SHA-256 and its rows, written
or refused (issue 10): one entry per import, since its rows are written in bulk and
django-auditlog keeps no entry for each of them (issue 14)."""

import datetime
import hashlib

from auditlog.models import LogEntry
from django.utils import timezone

from communities import audit
from communities import models as m
from tests.communities.test_import_export import HOUSEHOLD_HEADERS, confirm, upload, xlsx


def imports():
    return LogEntry.objects.filter(additional_data__event=audit.IMPORT).order_by("pk")


def test_a_register_import_is_recorded_with_the_files_hash_and_rows(city, client):
    client.force_login(city.community)  # sees personal data: may leave the ID number blank
    existing = city.households["A2"]
    content = xlsx(
        HOUSEHOLD_HEADERS,
        [
            ["A1", "9", "1", "901", "自住", 2, ""],
            ["A2", existing.building, existing.unit, existing.room, "出租", 5, ""],
        ],
    )

    confirm(client, "household", upload(client, "household", content))

    entry = imports().get()
    assert entry.actor == city.community
    assert entry.content_type.model == "household"
    assert entry.additional_data["sha256"] == hashlib.sha256(content).hexdigest()
    assert entry.additional_data["rows"]["new"] == 1
    assert entry.additional_data["rows"]["update"] == 1
    assert entry.additional_data["result"] == audit.OK


def test_a_refused_import_is_recorded_with_the_rows_it_refused(city, client):
    client.force_login(city.manager_a)
    rows = [["A1", "9", "1", "901", "自住", 2, ""], ["A2", "9", "1", "902", "自住", 2, ""]]
    preview = upload(client, "household", xlsx(HOUSEHOLD_HEADERS, rows))
    # Meanwhile company A stops running A2: the second row is now outside manager A's scope.
    m.ManagementTerm.objects.filter(compound__code="A2").update(
        end=timezone.localdate() - datetime.timedelta(days=1)
    )

    confirm(client, "household", preview)

    entry = imports().get()
    assert entry.additional_data["result"] == audit.FAILED
    assert (entry.additional_data["rows"]["new"], entry.additional_data["rows"]["refused"]) == (
        1,
        1,
    )
    assert not m.Household.objects.filter(room="901").exists()


def test_rows_found_outside_the_scope_once_written_count_as_refused():
    """The re-check after writing (``ImportScopeError``) refuses the whole import: its rows are
    counted with the others the entry names."""
    from import_export.results import Error, Result

    from communities.importing.audit import import_rows
    from communities.importing.base import ImportScopeError

    result = Result()
    result.append_base_error(Error(ImportScopeError([3, 4])))
    assert import_rows(result)["refused"] == 2
