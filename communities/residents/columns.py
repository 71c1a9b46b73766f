"""The residents' spreadsheet columns, defined once: the residents export writes them and the
roster import reads them, so an exported file imports back.

Headers are catalogue words in the file's language (``tests/test_vocabulary.py``); a choice
cell is its model label (``choice_label``), which the import reads back with ``ChoiceReader``.
Personal cells are written as the reader may see them (``personal_value``); a masked cell
never imports (the import refuses a value with ``*``).
"""

from __future__ import annotations

from django.utils.translation import override, pgettext_lazy

from communities.exports import DATE, Column
from communities.models import DocumentType, Relation, Resident, ResidentKind
from communities.privacy import personal_value
from communities.vocabulary import FILE_LANGUAGE, choice_label, file_word

SHEET = "实有人口"

COMPOUND_CODE = "小区编码"
COMPOUND_NAME = file_word(pgettext_lazy("export header", "compound name"))
BUILDING, UNIT, ROOM = "楼栋", "单元", "房号"
NAME = "姓名"
DOCUMENT_TYPE = file_word(pgettext_lazy("export header", "document type"))
DOCUMENT_NUMBER = file_word(pgettext_lazy("export header", "document number"))
PHONE = "联系电话"
KIND = file_word(pgettext_lazy("export header", "resident kind"))
RELATION = file_word(pgettext_lazy("export header", "relation to the household"))
MOVED_IN = file_word(pgettext_lazy("export header", "moved in on"))
MOVED_OUT = file_word(pgettext_lazy("export header", "moved out on"))
REGISTERED_ON = file_word(pgettext_lazy("export header", "residence registered on"))
REGISTERED_BY = "登记单位"
PERMIT_EXPIRES = file_word(pgettext_lazy("export header", "residence permit valid until"))

RESIDENT_COLUMNS = [
    Column(COMPOUND_CODE, 10),
    Column(COMPOUND_NAME, 16),
    Column(BUILDING, 8),
    Column(UNIT, 8),
    Column(ROOM, 8),
    Column(NAME, 10),
    Column(DOCUMENT_TYPE, 16),
    Column(DOCUMENT_NUMBER, 20),
    Column(PHONE, 14),
    Column(KIND, 10),
    Column(RELATION, 10),
    Column(MOVED_IN, 12, DATE),
    Column(MOVED_OUT, 12, DATE),
    Column(REGISTERED_ON, 12, DATE),
    Column(REGISTERED_BY, 20),
    Column(PERMIT_EXPIRES, 12, DATE),
]
HEADERS = [c.header for c in RESIDENT_COLUMNS]


def resident_row(resident: Resident, *, shown: bool) -> list:
    """One resident as a row of ``RESIDENT_COLUMNS`` (``shown``: personal data in full).
    Reads ``resident.household.compound``: select it with the rows."""
    household = resident.household
    compound = household.compound
    with override(FILE_LANGUAGE):
        document_type = choice_label(DocumentType, resident.document_type)
        kind = choice_label(ResidentKind, resident.kind)
        relation = choice_label(Relation, resident.relation)
    return [
        compound.code,
        compound.name,
        household.building,
        household.unit,
        household.room,
        personal_value(resident, "name", shown=shown),
        document_type,
        personal_value(resident, "id_number", shown=shown),
        personal_value(resident, "phone", shown=shown),
        kind,
        relation,
        resident.moved_in,
        resident.moved_out,
        resident.registered_on,
        resident.registered_by,
        resident.permit_expires,
    ]
