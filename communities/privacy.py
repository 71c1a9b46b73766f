"""Masking of personal data (PIPL): ID numbers and phones are shown masked unless the user
holds ``communities.view_personal_data``."""

PERSONAL_DATA_PERMISSION = "communities.view_personal_data"


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


def can_see_personal_data(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(PERSONAL_DATA_PERMISSION))


def mask_for_audit_log(value: str) -> str:
    """What django-auditlog stores for a personal field: only the last four characters."""
    value = str(value or "")
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]
