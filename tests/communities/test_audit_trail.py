"""The audit trail (issue 10, GB/T 22239 8.1.4.3): logins, failures, logouts, permission changes
and exports leave entries with time, user, address, object, result and request id; nobody
changes or deletes them; the purge keeps 180 days; only the audit administrator reads them."""

import datetime
import io

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from communities import audit
from communities.audit.retention import audit_purge, check_retention
from communities.exports import services as export_services
from communities.models import AuditEntry, ExportJob
from tests import factories as f

PASSWORD = "SafeCompound-2026"


def events(event, **filters):
    return LogEntry.objects.filter(additional_data__event=event, **filters).order_by("pk")


def login(client, username, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


# --- logins ------------------------------------------------------------------------------------


def test_a_login_is_recorded_with_user_address_and_the_request_id(client, city):
    response = login(client, "street", REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 302
    entry = events(audit.LOGIN).get()
    assert entry.actor == city.street
    assert entry.object_pk == str(city.street.pk)
    assert entry.remote_addr == "10.1.2.3"
    assert entry.additional_data["result"] == audit.OK
    assert entry.additional_data["superuser"] is False
    assert entry.cid == response["X-Request-ID"]
    assert timezone.is_aware(entry.timestamp)


def test_a_superuser_login_is_marked_as_such(client, city):
    f.UserFactory(username="root", is_superuser=True, is_staff=True)

    login(client, "root")

    assert events(audit.LOGIN).get().additional_data["superuser"] is True


def test_failed_logins_are_recorded_for_known_and_unknown_names_alike(client, city):
    login(client, "street", password="wrong-password")
    login(client, "no-such-user", password="wrong-password")

    known, unknown = events(audit.LOGIN_FAILED)
    assert known.object_pk == str(city.street.pk)
    assert known.actor is None
    assert known.additional_data["result"] == audit.FAILED
    assert unknown.object_pk == ""
    assert unknown.object_repr == "no-such-user"
    assert unknown.additional_data["unknown_user"] is True
    assert not events(audit.LOGIN).exists()


def test_a_logout_is_recorded(client, city):
    client.force_login(city.community)

    client.post(reverse("logout"))

    assert events(audit.LOGOUT).get().actor == city.community


def test_the_request_id_a_proxy_sent_is_kept_and_a_strange_one_replaced(client, city):
    kept = login(client, "street", HTTP_X_REQUEST_ID="req-0123456789abcdef")
    client.logout()
    replaced = login(client, "street", HTTP_X_REQUEST_ID="<script>")

    assert kept["X-Request-ID"] == "req-0123456789abcdef"
    assert replaced["X-Request-ID"] != "<script>" and len(replaced["X-Request-ID"]) == 32
    assert [e.cid for e in events(audit.LOGIN)] == [
        "req-0123456789abcdef",
        replaced["X-Request-ID"],
    ]


@pytest.mark.parametrize(
    ("proxies", "expected"), [(0, "10.9.9.9"), (1, "203.0.113.7"), (2, "198.51.100.1")]
)
def test_the_address_is_read_from_trusted_proxies_only(client, city, proxies, expected):
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        login(
            client,
            "street",
            REMOTE_ADDR="10.9.9.9",
            HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7",
        )

    assert events(audit.LOGIN).get().remote_addr == expected


# --- permission changes --------------------------------------------------------------------------


def test_a_change_of_a_users_groups_and_a_groups_permissions_is_recorded(city):
    group = Group.objects.create(name="临时组")
    city.nobody.groups.add(group)
    group.permissions.add(Permission.objects.get(codename="view_compound"))

    user_entry = LogEntry.objects.get_for_object(city.nobody).filter(changes__has_key="groups")
    group_entry = LogEntry.objects.get_for_object(group).filter(changes__has_key="permissions")
    assert user_entry.get().changes["groups"]["objects"] == ["临时组"]
    assert group_entry.exists()


# --- exports -------------------------------------------------------------------------------------


def export_households(client):
    return client.post(reverse("communities:export_begin", args=["communities.household"]))


@pytest.mark.parametrize(("who", "in_full"), [("community", True), ("manager_a", False)])
def test_every_export_is_recorded_with_rows_filter_and_masking(client, city, who, in_full):
    client.force_login(getattr(city, who))

    response = export_households(client)

    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = len(list(book.worksheets[1].iter_rows(min_row=2))) if len(book.worksheets) > 1 else 0
    entry = events(audit.EXPORT).get()
    assert entry.actor == getattr(city, who)
    assert entry.additional_data["exporter"] == "communities.household"
    assert entry.additional_data["rows"] == rows > 0
    assert entry.additional_data["format"] == "xlsx"
    assert entry.additional_data["personal_data_in_full"] is in_full
    assert entry.cid == response["X-Request-ID"]


def test_an_export_whose_entry_cannot_be_written_gives_no_file(client, city, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("the audit table is unavailable")

    client.force_login(city.manager_a)
    monkeypatch.setattr(audit.LogEntry.objects, "create", broken)
    client.raise_request_exception = False

    response = export_households(client)

    assert response.status_code == 500
    assert b"PK\x03\x04" not in response.content  # no workbook went out


def test_a_background_export_is_recorded_and_fails_without_its_entry(city, monkeypatch):
    job = ExportJob.objects.create(
        user=city.manager_a, exporter="communities.household", params={}, rows_total=5
    )
    export_services.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    entry = events(audit.EXPORT).get()
    assert job.status == "done"
    assert entry.additional_data["job"] == job.pk
    assert entry.additional_data["rows"] == job.row_count

    second = ExportJob.objects.create(
        user=city.manager_a, exporter="communities.household", params={}, rows_total=5
    )
    monkeypatch.setattr(audit.LogEntry.objects, "create", lambda **kw: 1 / 0)
    export_services.export_job_run(job_id=second.pk)
    second.refresh_from_db()
    assert second.status == "failed"
    assert not second.file


# --- append only ---------------------------------------------------------------------------


def test_nobody_changes_or_deletes_an_entry_through_the_application(client, city):
    login(client, "street")
    entry = events(audit.LOGIN).get()

    entry.object_repr = "someone else"
    with pytest.raises(PermissionDenied), transaction.atomic():
        entry.save()
    with pytest.raises(PermissionDenied), transaction.atomic():
        entry.delete()
    with pytest.raises(PermissionDenied), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).delete()
    assert LogEntry.objects.get(pk=entry.pk).object_repr == str(city.street)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_change_or_delete_an_entry(client, city):
    login(client, "street")
    entry = events(audit.LOGIN).get()

    for statement in (
        "UPDATE auditlog_logentry SET object_repr = 'x' WHERE id = %s",
        "DELETE FROM auditlog_logentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    assert LogEntry.objects.get(pk=entry.pk).object_repr == str(city.street)


def test_the_purge_deletes_only_entries_older_than_the_retention(city):
    now = timezone.now()
    for days in (400, 181, 179, 1):
        _entry_of(now - datetime.timedelta(days=days), label=str(days))

    assert audit_purge(now=now) == 2
    assert sorted(events(audit.LOGIN).values_list("object_repr", flat=True)) == ["1", "179"]


def _entry_of(moment, label):
    """An entry written at ``moment`` (entries are never updated, so it is born with its date)."""
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Group),
        object_pk="",
        object_repr=label,
        action=LogEntry.Action.ACCESS,
        timestamp=moment,
        additional_data={"event": audit.LOGIN, "result": audit.OK},
    )


@override_settings(AUDIT_RETENTION_DAYS=30)
def test_a_retention_under_180_days_is_refused_and_never_applied(city):
    now = timezone.now()
    audit.record(audit.LOGIN, target=city.street, label="young")
    entry = LogEntry.objects.get(object_repr="young")

    assert [e.id for e in check_retention()] == ["communities.E101"]
    assert audit_purge(now=entry.timestamp + datetime.timedelta(days=100)) == 0
    assert audit_purge(now=now) == 0


def test_the_purge_is_a_daily_job():
    from django.conf import settings

    schedule = settings.CELERY_BEAT_SCHEDULE["audit-purge"]
    assert schedule["task"] == "communities.purge_audit_trail"
    call_command("check")  # the retention check passes with the default


# --- the audit administrator ---------------------------------------------------------------------


@pytest.fixture
def auditor(db):
    group = Group.objects.create(name="审计")
    group.permissions.add(
        Permission.objects.get(codename="view_auditentry"),
        Permission.objects.get(codename="export_auditentry"),
    )
    user = f.UserFactory(username="auditor", is_staff=True)
    user.groups.add(group)
    return user


def test_the_audit_administrator_searches_and_filters_the_trail(client, city, auditor):
    login(client, "street", REMOTE_ADDR="10.7.7.7")
    login(client, "community", password="wrong-password")
    client.force_login(auditor)
    url = reverse("admin:communities_auditentry_changelist")

    by_address = client.get(url, {"q": "10.7.7.7"})
    failures = client.get(url, {"event": audit.LOGIN_FAILED})

    assert by_address.status_code == 200
    assert [e.remote_addr for e in by_address.context["cl"].result_list] == ["10.7.7.7"]
    assert [e.object_pk for e in failures.context["cl"].result_list] == [str(city.community.pk)]
    assert "+08:00" in failures.content.decode()


def test_the_audit_administrator_exports_the_trail_and_the_export_is_recorded(
    client, city, auditor
):
    login(client, "street")
    client.force_login(auditor)
    url = reverse("admin:communities_auditentry_export") + f"?event={audit.LOGIN}"

    response = client.post(url, {"format": "xlsx"})

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[1]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    # newest first: the auditor's own login, then the street's
    assert [(r[1], r[3], r[7]) for r in rows] == [
        ("auditor", "登录", "成功"),
        ("street", "登录", "成功"),
    ]
    assert rows[1][0].endswith("+08:00")
    entry = events(audit.EXPORT).get()
    assert entry.actor == auditor
    assert entry.additional_data["rows"] == 2


@pytest.mark.parametrize("who", ["bureau", "street", "manager_a"])
def test_nobody_else_reads_the_trail(client, city, who):
    login(client, "street")
    client.force_login(getattr(city, who))
    entry = AuditEntry.objects.first()

    assert client.get(reverse("admin:communities_auditentry_changelist")).status_code == 403
    change = reverse("admin:communities_auditentry_change", args=[entry.pk])
    assert client.get(change).status_code == 404
    begin = reverse("communities:export_begin", args=["communities.auditentry"])
    assert client.post(begin).status_code == 403


# --- refused access and personal data viewed in full ---------------------------------------------


def test_an_object_out_of_scope_is_recorded_as_refused_and_a_missing_one_not(client, city):
    other = city.compounds["B1"]  # company B's compound
    client.force_login(city.manager_a)

    refused = client.get(reverse("communities:compound_detail", args=[other.code]))
    missing = client.get(reverse("communities:compound_detail", args=["NO-SUCH"]))
    admin_refused = client.get(
        reverse("admin:communities_household_change", args=[city.households["B1"].pk])
    )
    admin_missing = client.get(reverse("admin:communities_household_change", args=[999999]))

    assert refused.status_code == missing.status_code == 404
    assert admin_refused.status_code == admin_missing.status_code == 404
    entries = events(audit.ACCESS_REFUSED)
    assert [(e.content_type.model, e.object_pk, e.actor) for e in entries] == [
        ("compound", str(other.pk), city.manager_a),
        ("household", str(city.households["B1"].pk), city.manager_a),
    ]
    assert entries[0].additional_data["result"] == audit.REFUSED
    assert entries[0].object_repr == f"GET /compounds/{other.code}/"


def test_a_household_shown_in_full_is_recorded_and_a_masked_one_is_not(client, city):
    household = city.households["A1"]
    url = reverse("admin:communities_household_change", args=[household.pk])

    client.force_login(city.manager_a)  # a company: no personal-data permission, masked
    assert client.get(url).status_code == 200
    client.force_login(city.community)
    assert client.get(url).status_code == 200
    listing = client.get(reverse("admin:communities_household_changelist"))

    page, list_entry = events(audit.PERSONAL_DATA_VIEW)
    assert (page.actor, page.object_pk) == (city.community, str(household.pk))
    assert page.additional_data["fields"] == [
        "head_id_number",
        "head_name",
        "head_phone",
        "landlord_name",
        "landlord_phone",
    ]
    shown = {str(h.pk) for h in listing.context["cl"].result_list}
    assert set(list_entry.additional_data["objects"]) == shown


def test_a_page_that_cannot_record_its_unmasking_shows_nothing(client, city, monkeypatch):
    household = city.households["A1"]
    client.force_login(city.community)
    client.raise_request_exception = False
    monkeypatch.setattr(audit.LogEntry.objects, "create", lambda **kw: 1 / 0)

    response = client.get(reverse("admin:communities_household_change", args=[household.pk]))

    assert response.status_code == 500
    assert household.head_id_number not in response.content.decode()
    assert household.head_phone not in response.content.decode()


def test_a_password_change_and_a_disabled_account_are_recorded(city):
    city.street.set_password("Ping-An-2026-New")
    city.street.save()
    city.community.is_active = False
    city.community.save()

    assert events(audit.PASSWORD_CHANGED).get().object_pk == str(city.street.pk)
    assert events(audit.USER_DISABLED).get().object_pk == str(city.community.pk)


def test_two_factor_changes_and_refused_codes_are_recorded(city):
    from communities.twofactor import signals as two_factor

    two_factor.two_factor_enabled.send(sender=type(city.bureau), user=city.bureau, request=None)
    two_factor.two_factor_failed.send(
        sender=type(city.bureau), user=city.bureau, request=None, reason="wrong", stage="login"
    )

    enabled, refused = events(audit.TWO_FACTOR)
    assert enabled.additional_data["change"] == "enabled"
    assert enabled.additional_data["result"] == audit.OK
    assert refused.additional_data["change"] == "code_refused"
    assert refused.additional_data["result"] == audit.FAILED
    assert refused.additional_data["reason"] == "wrong"


def test_a_lockout_is_recorded(client, city, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "street", password="wrong-password")

    locked = events(audit.LOCKED_OUT).get()
    assert locked.object_pk == str(city.street.pk)
    assert locked.additional_data["result"] == audit.FAILED
    assert events(audit.LOGIN_FAILED).count() == settings.AXES_FAILURE_LIMIT
