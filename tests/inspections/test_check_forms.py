"""The answer form turns what was typed into what ``services.answer_save`` takes, for every
answer type; the month field reads ``YYYY-MM``."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from inspections.forms.checks import AnswerForm, MonthField, ReturnForm
from inspections.models import Answer, AnswerType, ChecklistItem


def _answer(kind, points="10", pk=7, **values):
    item = ChecklistItem(code="X-1", title="x", text="x", answer_type=kind, points=Decimal(points))
    return Answer(pk=pk, item=item, **values)


def _clean(answer, data):
    form = AnswerForm({f"a{answer.pk}-{k}": v for k, v in data.items()}, answer=answer)
    assert form.is_valid(), form.errors
    return form.service_kwargs()


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        (AnswerType.YES_NO, {"choice": "yes"}, {"value_bool": True, "not_applicable": False}),
        (AnswerType.YES_NO, {"choice": "no"}, {"value_bool": False, "not_applicable": False}),
        (AnswerType.YES_NO, {"choice": "na"}, {"value_bool": None, "not_applicable": True}),
        (AnswerType.YES_NO, {}, {"value_bool": None, "not_applicable": False}),
        (AnswerType.SCORE, {"value": "7.5"}, {"value_score": Decimal("7.5")}),
        (AnswerType.SCORE, {"value": ""}, {"value_score": None}),
        (AnswerType.NUMBER, {"value": "3"}, {"value_number": Decimal("3")}),
        (AnswerType.TEXT, {"value": "  门岗24小时值守 "}, {"value_text": "门岗24小时值守"}),
        (AnswerType.TEXT, {"not_applicable": "on"}, {"not_applicable": True, "value_text": ""}),
    ],
)
def test_each_answer_type_becomes_the_services_arguments(kind, data, expected):
    kwargs = _clean(_answer(kind), {**data, "comment": " 说明 "})
    assert kwargs["comment"] == "说明"
    for name, value in expected.items():
        assert kwargs[name] == value


def test_a_score_must_lie_between_zero_and_the_items_points():
    answer = _answer(AnswerType.SCORE, points="5")
    for value in ("-1", "5.5", "abc"):
        form = AnswerForm({"a7-value": value}, answer=answer)
        assert not form.is_valid()
        assert "value" in form.errors


def test_the_form_starts_from_the_saved_answer():
    assert AnswerForm(answer=_answer(AnswerType.YES_NO, value_bool=False))["choice"].value() == "no"
    na = _answer(AnswerType.YES_NO, not_applicable=True)
    assert AnswerForm(answer=na)["choice"].value() == "na"
    score = AnswerForm(answer=_answer(AnswerType.SCORE, value_score=Decimal("8")))
    assert score["value"].value() == "8"
    ten = AnswerForm(answer=_answer(AnswerType.SCORE, value_score=Decimal("10.0")))
    assert ten["value"].value() == "10"


def test_forms_of_one_page_do_not_share_field_ids():
    first = AnswerForm(answer=_answer(AnswerType.YES_NO, pk=1))
    second = AnswerForm(answer=_answer(AnswerType.YES_NO, pk=2))
    assert first["comment"].id_for_label != second["comment"].id_for_label


def test_a_month_is_read_as_its_first_day():
    field = MonthField()
    assert field.clean("2026-10") == datetime.date(2026, 10, 1)
    assert field.clean("2026-10-17") == datetime.date(2026, 10, 1)


def test_the_return_form_has_a_comment_field_per_item_tied_to_the_return_form():
    answers = [_answer(AnswerType.YES_NO, pk=1), _answer(AnswerType.SCORE, pk=2)]
    form = ReturnForm({"return-item_1": "补照片", "return-item_2": ""}, answers=answers)
    assert form.is_valid()
    assert form.item_comments() == {1: "补照片", 2: ""}
    assert 'form="return-form"' in str(form.bound_item_field(answers[0]))


@pytest.mark.parametrize("typed", ["0001-01", "1999-12", "9999-12"])
def test_a_month_outside_the_campaigns_range_is_refused(typed):
    field = MonthField()
    with pytest.raises(ValidationError) as refused:
        field.clean(typed)
    assert refused.value.code == "month_range"


def test_this_month_and_a_year_ahead_are_months_a_check_can_be_about():
    from django.utils import timezone

    field = MonthField()
    today = timezone.localdate()
    assert field.clean(today.strftime("%Y-%m")) == today.replace(day=1)
    ahead = today.replace(day=1, year=today.year + 1)
    assert field.clean(ahead.strftime("%Y-%m")) == ahead
    with pytest.raises(ValidationError):
        field.clean(ahead.replace(year=ahead.year + 1).strftime("%Y-%m"))


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["0001-01", "9999-12"])
def test_opening_a_check_for_an_impossible_month_is_refused_not_a_500(client, city, typed):
    from django.test import Client
    from django.urls import reverse

    from inspections.models import Inspection

    browser = Client(raise_request_exception=False)
    browser.force_login(city.manager_a)
    response = browser.post(
        reverse("inspections:inspection_open"),
        {"compound": city.compounds["A1"].pk, "month": typed},
    )
    assert response.status_code == 302
    assert not Inspection.objects.exists()
    page = browser.get(response["Location"]).content.decode()
    assert "2000-01" in page  # the message names the months allowed
    listed = browser.get(reverse("inspections:check_list"), {"month": typed})
    assert listed.status_code == 200
