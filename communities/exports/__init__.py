"""One export path for every app (section 12 of docs/architecture.md): an ``Exporter`` says
what a spreadsheet holds, ``writer`` writes it, small exports answer at once and big ones run
as an ``ExportJob`` in Celery, downloaded by their owner only."""

from .base import (
    DATE,
    DATETIME,
    MONTH,
    NUMBER,
    SUM,
    TEXT,
    Column,
    ExportContext,
    Exporter,
    Feed,
    Sheet,
    exporters,
    get_exporter,
    register,
)

__all__ = [
    "DATE",
    "DATETIME",
    "MONTH",
    "NUMBER",
    "SUM",
    "TEXT",
    "Column",
    "ExportContext",
    "Exporter",
    "Feed",
    "Sheet",
    "exporters",
    "get_exporter",
    "register",
]
