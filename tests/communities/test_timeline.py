"""Every timeline (inspections, hazards, dispute cases) names its actions with TextChoices
beside its model, so pages read labels from the model in the reader's language."""

import pytest
from django.apps import apps
from django.utils import translation

from communities.models.base import TimelineEvent

TIMELINES = [m for m in apps.get_models() if issubclass(m, TimelineEvent)]


def test_the_three_timelines_are_found():
    names = {m.__name__ for m in TIMELINES}
    assert {"InspectionEvent", "HazardEvent", "CaseEvent"} <= names


@pytest.mark.parametrize("model", TIMELINES, ids=lambda m: m.__name__)
def test_each_action_has_a_label_in_chinese_and_english(model):
    choices = model._meta.get_field("action").choices
    assert choices, f"{model.__name__}.action has no choices"
    assert model.statuses is not None
    for value, label in choices:
        with translation.override("zh-hans"):
            chinese = str(label)
        with translation.override("en"):
            english = str(label)
        assert chinese != english and chinese != value, (model.__name__, value)
        event = model(action=value, from_status="", to_status=model.statuses.values[0])
        with translation.override("zh-hans"):
            assert event.label == chinese
            assert event.to_label == str(model.statuses.choices[0][1])
            assert event.status_changed and event.from_label == ""
