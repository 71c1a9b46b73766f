"""The compound page shows the panels other apps register (communities.panels)."""

import pytest
from django.urls import reverse

from communities.panels import COMPOUND_PANELS, CompoundPanel, register_compound_panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def extra_panel(tmp_path, settings):
    (tmp_path / "panel.html").write_text(
        '<section data-panel="probe">{{ panel.word }} {{ panel.code }}</section>',
        encoding="utf-8",
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    saved = dict(COMPOUND_PANELS)
    register_compound_panel(
        CompoundPanel(
            name="probe",
            template="panel.html",
            context=lambda request, compound: {"word": "probe-word", "code": compound.code},
        )
    )
    register_compound_panel(
        CompoundPanel(name="hidden", template="panel.html", context=lambda request, c: None)
    )
    yield
    COMPOUND_PANELS.clear()
    COMPOUND_PANELS.update(saved)


def test_a_registered_panel_is_shown_with_what_its_function_read(client, city, extra_panel):
    client.force_login(city.street)
    compound = city.compounds["A1"]
    response = client.get(reverse("communities:compound_detail", args=[compound.code]))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"probe-word {compound.code}" in body
    assert body.count('data-panel="probe"') == 1  # the panel whose function gave None is left out


def test_the_apps_sections_come_in_the_order_of_a_compounds_story(client, city):
    """Checks, hazards, key management, disputes, watch groups, patrols, facilities, activities
    (the ``order`` each app registers its panel with)."""
    client.force_login(city.street)
    body = client.get(reverse("communities:compound_detail", args=["A1"])).content.decode()
    markers = [
        'data-panel="checks"',
        'data-panel="hazards"',
        'data-panel="key-management"',
        'data-panel="disputes"',
        'data-panel="watch-groups"',
        'data-panel="patrols"',
        'data-testid="facility-panel"',
        'data-panel="activities"',
    ]
    positions = [body.find(marker) for marker in markers]
    assert -1 not in positions
    assert positions == sorted(positions)
