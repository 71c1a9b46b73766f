"""Personal data (PIPL): declared once per model, masked unless the user holds
``communities.view_personal_data``.

A model declares its personal fields and how each is masked::

    personal_data = {"head_name": NAME, "head_phone": PHONE, "head_id_number": ID_NUMBER}

and, for fields that only look personal (a place's name, a company's published contact), why
they are not: ``not_personal_data = {"name": "the name of a place"}``. The admin, the pages,
the exports, the import previews and the audit log all read the declaration through the
functions below; a test walks every model and fails on a field named like a personal one that
is declared neither way.

A name typed into free text is no field: ``text_masker`` / ``mask_text`` mask given full names
wherever they stand in a text (a dispute case's description names its parties:
``disputes.privacy`` masks every text of a case with them), and every mobile number, landline
with its area code and ID number typed into it, whoever's it is.
"""

import re
from collections.abc import Callable, Iterable, Mapping

PERSONAL_DATA_PERMISSION = "communities.view_personal_data"
NAME, PHONE, ID_NUMBER = "name", "phone", "id_number"


def mask_id_number(value: str) -> str:
    """``110101199003071234`` → ``110***********1234``."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``; ``010-12345678`` → ``010-****5678``."""
    if not value:
        return ""
    if "-" in value:
        area, _, number = value.partition("-")
        return f"{area}-{'*' * max(len(number) - 4, 0)}{number[-4:]}"
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """``张三丰`` → ``张**``: a surname is enough to talk about a household."""
    if not value:
        return ""
    if len(value) == 1:
        return "*"
    return value[0] + "*" * (len(value) - 1)


MASKS = {NAME: mask_name, PHONE: mask_phone, ID_NUMBER: mask_id_number}

# A one-character "name" is not looked for in free text: it would mask that character
# wherever it stands (a surname alone says no more than its mask).
NAME_IN_TEXT_MIN_LENGTH = 2


# Numbers typed into free text, whoever's they are: an ID number (18 characters), a mobile
# number, a landline with its area code. Masked, they no longer match (the stars break them).
ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")
PHONE_IN_TEXT = re.compile(r"(?<![0-9])(?:1[3-9][0-9]{9}|0[0-9]{2,3}-[0-9]{7,8})(?![0-9])")


def mask_numbers_in_text(text: str) -> str:
    """Every phone and ID number in ``text`` masked (``13812345678`` → ``138****5678``)."""
    text = ID_NUMBER_IN_TEXT.sub(lambda match: mask_id_number(match.group(0)), text)
    return PHONE_IN_TEXT.sub(lambda match: mask_phone(match.group(0)), text)


def text_masker(names: Iterable[str]) -> Callable[[str], str]:
    """A function that masks each of ``names`` wherever it stands in a text (``mask_name``),
    and every phone and ID number in it.

    The names are looked for longest first in one pass, so ``王小明`` is masked whole even when
    ``王小`` is a name too, and a masked name is never looked at again. Build it once for many
    texts (the names are compiled into one pattern).
    """
    wanted = {name.strip() for name in names if name and name.strip()}
    wanted = sorted(
        (name for name in wanted if len(name) >= NAME_IN_TEXT_MIN_LENGTH),
        key=lambda name: (-len(name), name),
    )
    if not wanted:
        return lambda text: mask_numbers_in_text(text or "")
    pattern = re.compile("|".join(map(re.escape, wanted)), re.IGNORECASE)

    def mask(text: str) -> str:
        return mask_numbers_in_text(
            pattern.sub(lambda match: mask_name(match.group(0)), text or "")
        )

    return mask


def mask_text(text: str, names: Iterable[str]) -> str:
    """``text`` with each full name of ``names`` in it replaced by its masked form (``张三丰`` →
    ``张**``), and its phones and ID numbers masked: free text such as a case's description
    shown to a reader who may not see the personal data the masked fields hide."""
    return text_masker(names)(text)


def personal_fields(model) -> dict[str, str]:
    """The model's personal fields: field name → what it holds (``NAME``, ``PHONE``, …)."""
    return dict(getattr(model, "personal_data", {}))


def mask_value(model, field: str, value) -> str:
    """The value of one of the model's personal fields, masked as the model declares."""
    return MASKS[personal_fields(model)[field]](value or "")


def personal_value(obj, field: str, *, shown: bool) -> str:
    """A personal field of ``obj`` as this reader sees it (``shown``: may see personal data)."""
    value = getattr(obj, field) or ""
    return value if shown else mask_value(type(obj), field, value)


def mask_instance(obj):
    """Mask the object's personal fields in place (an object read for display, never saved)."""
    for field in personal_fields(type(obj)):
        setattr(obj, field, mask_value(type(obj), field, getattr(obj, field)))
    return obj


def masked_values(model, values: Mapping) -> dict:
    """A row of values for the model (an import preview) with its personal fields masked."""
    masked = dict(values)
    for field in personal_fields(model):
        if field in masked:
            masked[field] = mask_value(model, field, masked[field])
    return masked


def can_see_personal_data(user) -> bool:
    """Is personal data shown in full to the user now: the permission, and a reason stated
    within the hour's allowance (``communities.unmasking``)?"""
    from communities.unmasking import unmasking_allowed

    return bool(
        user
        and user.is_authenticated
        and user.has_perm(PERSONAL_DATA_PERMISSION)
        and unmasking_allowed(user)
    )


def mask_for_audit_log(value: str) -> str:
    """What django-auditlog stores for a personal field: only the last four characters."""
    value = str(value or "")
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]
