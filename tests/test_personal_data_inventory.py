"""The personal-data inventory (docs/personal-data.md, PIPL arts. 6, 28, 51) lists every personal
field of the project's models: a model of any of our apps (every app whose code lies in the
project, so a new app is covered without touching this test) that gains a field named like
personal data, a field declared in its ``personal_data``, or a file field (uploads hold people's
documents and photos) fails here, named, until the inventory has a row for it, among the personal
fields or among those that only look personal (with the reason). A row naming a field that no
longer exists fails too.

Each row's first cell carries the fields it is about as ``app_label.Model.field`` markers.
"""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from communities.privacy import personal_fields

INVENTORY = Path(settings.BASE_DIR) / "docs" / "personal-data.md"
NOT_PERSONAL_HEADING = "不属于个人信息"
# A person's name, phone, ID number, address, e-mail, birth date or contact, as field names spell
# them (``name``, ``head_name``, ``contact_phone``, ``id_card``, ``tel``, ``date_of_birth``…).
LOOKS_PERSONAL = re.compile(
    r"name|phone|mobile|(^|_)tel($|_)|id_number|id_card|address|e_?mail|birth|contact|person"
    r"|mediator|attendee|resident_id|passport",
)
MARKER = re.compile(r"`([a-z_]+)\.([A-Za-z]+)\.([a-z_0-9]+)`")


def project_apps():
    """The apps whose code is in this project (not Django's nor a library's)."""
    base = Path(settings.BASE_DIR).resolve()
    venv = base / ".venv"
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and not path.is_relative_to(venv):
            yield config


def own_fields(model) -> list[models.Field]:
    """The model's own stored fields and many-to-many fields (not reverse relations)."""
    return [
        f
        for f in model._meta.get_fields()
        if (getattr(f, "concrete", False) or f.many_to_many)
        and not f.auto_created
        and f.model is model
    ]


def needs_a_row(model, field) -> bool:
    return (
        bool(LOOKS_PERSONAL.search(field.name))
        or field.name in personal_fields(model)
        or isinstance(field, models.FileField)  # ImageField too
    )


def inventory() -> dict[str, dict[str, str]]:
    """``{"personal": {marker: row}, "not_personal": {marker: row}}`` from the document."""
    rows: dict[str, dict[str, str]] = {"personal": {}, "not_personal": {}}
    section = "personal"
    for line in INVENTORY.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = "not_personal" if NOT_PERSONAL_HEADING in line else "personal"
            continue
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        for app_label, model_name, field_name in MARKER.findall(cells[0]):
            rows[section][f"{app_label}.{model_name}.{field_name}"] = line
    return rows


def required_markers() -> dict[str, str]:
    """Every field of our models that must be in the inventory → why."""
    wanted = {}
    for config in project_apps():
        for model in config.get_models():
            for field in own_fields(model):
                if needs_a_row(model, field):
                    marker = f"{model._meta.app_label}.{model.__name__}.{field.name}"
                    wanted[marker] = type(field).__name__
    return wanted


def test_the_inventory_lists_every_personal_looking_field():
    listed = {**inventory()["personal"], **inventory()["not_personal"]}
    missing = sorted(marker for marker in required_markers() if marker not in listed)
    assert not missing, (
        f"docs/personal-data.md lacks {missing}: add a row for each (what it holds, purpose, "
        "legal basis, who sees it in full, where it shows masked, retention), or list it under "
        f"«{NOT_PERSONAL_HEADING}» with the reason"
    )


def test_every_field_the_inventory_names_exists():
    gone = []
    for section in inventory().values():
        for marker in section:
            app_label, model_name, field_name = marker.split(".")
            try:
                apps.get_model(app_label, model_name)._meta.get_field(field_name)
            except (LookupError, FieldDoesNotExist):
                gone.append(marker)
    assert not gone, f"docs/personal-data.md names fields that do not exist: {sorted(gone)}"


def test_declared_personal_fields_are_in_the_personal_sections():
    personal = inventory()["personal"]
    declared = [
        f"{model._meta.app_label}.{model.__name__}.{name}"
        for config in project_apps()
        for model in config.get_models()
        for name in personal_fields(model)
    ]
    assert declared  # households and dispute parties at least
    misplaced = sorted(marker for marker in declared if marker not in personal)
    assert not misplaced, (
        f"declared personal (personal_data) but not in a personal section: {misplaced}"
    )


def test_each_not_personal_row_gives_a_reason():
    for marker, line in inventory()["not_personal"].items():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        assert len(cells) >= 2 and len(cells[1]) >= 4, f"{marker}: say why it is not personal"


def test_each_personal_row_fills_every_column():
    for marker, line in inventory()["personal"].items():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        assert len(cells) == 6, f"{marker}: a row has six columns"
        assert all(cells[:5]) and cells[5], f"{marker}: fill in every column"


def test_the_user_accounts_own_data_is_listed():
    personal = inventory()["personal"]
    user = get_user_model()
    label = f"{user._meta.app_label}.{user.__name__}"
    for field in ("username", "first_name", "last_name", "email"):
        assert f"{label}.{field}" in personal
    assert "auditlog.LogEntry.remote_addr" in personal  # the address of each change


# The detector itself: it must see what it is for, and only that.


@pytest.mark.parametrize(
    "name",
    [
        "name",
        "head_name",
        "phone",
        "contact_phone",
        "mobile",
        "tel",
        "home_tel",
        "id_number",
        "id_card",
        "address",
        "email",
        "date_of_birth",
        "birth_date",
        "contact_person",
    ],
)
def test_the_detector_finds_personal_looking_names(name):
    assert LOOKS_PERSONAL.search(name)


@pytest.mark.parametrize(
    "name", ["building", "status", "deadline", "hotel_count", "telemetry", "contract_number"]
)
def test_the_detector_leaves_other_names_alone(name):
    assert not LOOKS_PERSONAL.search(name)


def test_the_project_apps_are_ours_and_a_file_field_needs_a_row():
    labels = {config.label for config in project_apps()}
    assert {"communities", "inspections", "disputes"} <= labels
    assert not labels & {"auth", "admin", "auditlog", "sessions", "contenttypes"}
    evidence = apps.get_model("inspections", "Evidence")
    assert needs_a_row(evidence, evidence._meta.get_field("file"))
    assert "inspections.Evidence.file" in required_markers()
