"""Fixtures for the inspections tests: media in a temporary folder, uploads, filled checks."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections import services
from inspections.models import AnswerType, ChecklistTemplate

PERIOD = datetime.date(2026, 10, 1)


def png_bytes(size=(40, 30), color=(200, 30, 40)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def png_upload(name="photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@pytest.fixture
def template(db):
    return ChecklistTemplate.objects.current()


def fill_check(inspection, actor, overrides=None, evidence=True):
    """Answer every item (full marks unless ``overrides[code]`` says otherwise) and add a
    photo where evidence is required. ``overrides`` values: "na", True/False, a number."""
    overrides = overrides or {}
    for answer in inspection.answers.select_related("item"):
        item = answer.item
        value = overrides.get(item.code)
        kwargs = {}
        if value == "na":
            kwargs["not_applicable"] = True
        elif item.answer_type == AnswerType.YES_NO:
            kwargs["value_bool"] = True if value is None else value
        elif item.answer_type == AnswerType.SCORE:
            kwargs["value_score"] = item.points if value is None else value
        elif item.answer_type == AnswerType.NUMBER:
            kwargs["value_number"] = 0 if value is None else value
        else:
            kwargs["value_text"] = "ok" if value is None else value
        services.answer_save(answer=answer, actor=actor, **kwargs)
        if evidence and item.evidence_required and not answer.evidence.exists():
            services.evidence_add(
                answer=answer, actor=actor, upload=png_upload(), content_type="image/png"
            )
    inspection.refresh_from_db()
    return inspection
