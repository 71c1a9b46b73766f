"""Helpers of the URL guard (tests/test_url_guard.py): which named URLs take an object id, and
how two responses are compared so that "exists but not yours" and "does not exist" must match.
"""

import re
from urllib.parse import quote

from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

# Captured URL parameters that do not name an object: a URL that captures only these is no
# object URL. Anything else captured (pk, id, object_id, code, case_pk …) is an object id.
NOT_AN_ID = {
    "app_label": "the admin's app index names an app, not a row",
}


def _parameters(pattern) -> list[str]:
    regex = pattern.pattern.regex
    named = list(regex.groupindex)
    unnamed = [f"<arg{i}>" for i in range(regex.groups - len(named))]
    return named + unnamed


def _walk(resolver, namespace: str, captured: list[str]):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from _walk(entry, inner, captured + _parameters(entry))
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, captured + _parameters(entry)


def id_taking_urls() -> dict[str, set[str]]:
    """Every named URL of the project (workbench and admin) that captures an object id, with
    the parameters it captures."""
    found: dict[str, set[str]] = {}
    for name, parameters in _walk(get_resolver(), "", []):
        if any(p not in NOT_AN_ID for p in parameters):
            found.setdefault(name, set()).update(parameters)
    return found


def admin_object_urls() -> dict[type, list[str]]:
    """Each model registered in the admin, with the names of its id-taking admin URLs
    (change, delete, history, auditlog and any custom one its ModelAdmin adds)."""
    by_model = {}
    for model, model_admin in admin.site._registry.items():
        names = [
            f"{admin.site.name}:{name}"
            for name, parameters in _walk(_Patterns(model_admin.urls), "", [])
            if any(p not in NOT_AN_ID for p in parameters)
        ]
        by_model[model] = sorted(names)
    return by_model


class _Patterns:
    """A list of URL patterns seen as a resolver without a namespace."""

    def __init__(self, url_patterns):
        self.url_patterns = url_patterns


_CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def comparable(response, url: str) -> tuple:
    """Status, content type, redirect target and body, with the requested URL and the CSRF
    token (a new random mask on every response) taken out: nothing else may differ."""

    def scrub(raw: bytes) -> bytes:
        for form in {url, quote(url, safe=""), quote(url, safe="/")}:
            raw = raw.replace(form.encode(), b"<url>")
        return _CSRF.sub(rb"\1<csrf>\2", raw)

    body = b"".join(response.streaming_content) if response.streaming else response.content
    location = response.headers.get("Location", "")
    return (
        response.status_code,
        response.headers.get("Content-Type", ""),
        scrub(location.encode()),
        scrub(body),
    )


def database_fingerprint(obj) -> tuple:
    """Row counts of every table (in one query), and the object's own row: a refused request
    changes neither. The audit trail is left out: a refused access is recorded there."""
    tables = sorted(
        {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
        - {"auditlog_logentry"}
    )
    quote_name = connection.ops.quote_name
    # The names come from the models, quoted: nothing from outside reaches this SQL.
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote_name(table)})" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        row_counts = dict(zip(tables, cursor.fetchone(), strict=True))
    row = type(obj)._base_manager.filter(pk=obj.pk).values().first()
    return row_counts, row
