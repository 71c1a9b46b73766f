"""Every confirmed import is in the audit trail with the file's SHA-256 and its rows, written
or refused (issue 10)."""

import hashlib

from auditlog.models import LogEntry

from communities import audit
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
