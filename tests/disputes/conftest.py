"""Fixtures for the disputes tests: a fixed day, and helpers that walk a case through its steps.

The cast (tests/conftest.py) acts at these levels: compound/community level — ``community``
(community 1: A1, A2, N1) and the company running the compound (``manager_a`` for A1, A2;
``manager_b`` for B1, B2); street level — ``street`` (street 1: A1, A2, N1, B2); district level —
``bureau``. B1 lies in street 2, which has no street office in the cast.
"""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from disputes import services
from disputes.models import Category, Level, Source

# A Monday in term time, clear of holidays: 10 working days later is Monday 16 November.
TODAY = datetime.date(2026, 11, 2)


@pytest.fixture
def today(db):
    with time_machine.travel(
        datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC), tick=False
    ):
        yield TODAY


PARTIES = [
    {"role": "applicant", "name": "王小明", "phone": "13812345678", "id_number": ""},
    {"role": "respondent", "name": "李大海", "phone": "", "id_number": ""},
]


def register(city, actor=None, compound="A1", level=Level.COMMUNITY, **extra):
    kwargs = {
        "category": Category.NOISE,
        "source": Source.RESIDENT,
        "description": "楼上装修噪声扰民",
        "parties": PARTIES,
        **extra,
    }
    return services.case_register(
        actor=actor or city.manager_a,
        compound=city.compounds[compound],
        level=level,
        **kwargs,
    )


def accept(case, actor, leader=None, handler=None, deadline=None, plan="约双方到居委会调解"):
    return services.case_accept(
        case=case,
        actor=actor,
        leader=leader or actor,
        handler=handler or actor,
        plan=plan,
        deadline=deadline or case.deadline,
    )


def pdf_upload(name="agreement.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
