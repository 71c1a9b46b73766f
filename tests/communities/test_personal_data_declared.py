"""Personal data is declared once per model (communities.privacy): every field named like a
personal one is declared personal (with its mask) or not personal (with the reason), and the
audit log masks exactly the declared fields."""

import re

import pytest
from auditlog.registry import auditlog
from django.apps import apps

from communities.models import Household
from communities.privacy import MASKS, mask_instance, masked_values, personal_fields
from disputes.models import Party

OUR_APPS = ("communities", "inspections", "disputes")
# A person's name, phone, ID number or address, as the fields of this project spell them.
LOOKS_PERSONAL = re.compile(
    r"name|phone|mobile|tel$|id_number|id_card|address|contact|person|mediator|attendee"
)
MODELS = [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]


def own_fields(model) -> list[str]:
    return [
        f.name
        for f in model._meta.get_fields()
        if getattr(f, "concrete", False) and not f.is_relation and f.model is model
    ]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_field_named_like_personal_data_is_declared(model):
    declared = {**personal_fields(model), **getattr(model, "not_personal_data", {})}
    undeclared = [f for f in own_fields(model) if LOOKS_PERSONAL.search(f) and f not in declared]
    assert not undeclared, f"{model._meta.label}: declare {undeclared} (communities.privacy)"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_declarations_name_real_fields_masks_and_reasons(model):
    fields = set(own_fields(model))
    for field, kind in personal_fields(model).items():
        assert field in fields and kind in MASKS
    for field, reason in getattr(model, "not_personal_data", {}).items():
        assert field in fields and len(reason) > 10
        assert field not in personal_fields(model)


def test_the_detector_finds_what_it_must():
    assert {"head_name", "head_phone", "head_id_number"} <= {
        f for f in own_fields(Household) if LOOKS_PERSONAL.search(f)
    }
    assert all(LOOKS_PERSONAL.search(f) for f in ("name", "phone", "id_number"))
    assert not LOOKS_PERSONAL.search("building") and not LOOKS_PERSONAL.search("status")


@pytest.mark.parametrize("model", [Household, Party], ids=lambda m: m.__name__)
def test_the_audit_log_masks_exactly_the_declared_fields(model):
    assert set(auditlog.get_model_fields(model)["mask_fields"]) == set(personal_fields(model))


def test_masking_follows_the_declaration():
    party = Party(name="王小明", phone="13812345678", id_number="110101199003071234")
    mask_instance(party)
    assert (party.name, party.phone, party.id_number) == (
        "王**",
        "138****5678",
        "110***********1234",
    )
    row = masked_values(Household, {"head_name": "李四", "building": "3"})
    assert row == {"head_name": "李*", "building": "3"}
