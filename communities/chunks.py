"""Rows in chunks: a long read (an export's queryset iterator, an import's keys) is handled a
chunk at a time, never held whole."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice


def chunked(values: Iterable, size: int) -> Iterator[list]:
    """``values`` as lists of at most ``size``, read lazily from any iterable."""
    rows = iter(values)
    while chunk := list(islice(rows, size)):
        yield chunk
