"""The scoped admin of 群防群治: one module per part."""

from . import facilities, groups, teams  # noqa: F401
