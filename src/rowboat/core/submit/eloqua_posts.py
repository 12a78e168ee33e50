"""Eloqua data posts: the valid rows' records cut into JSON posts within Eloqua's limits.

Eloqua takes at most 32 MB a post and 500 posts a sync. Posts are cut by their measured JSON
size (never by a row count alone: a row of long texts is large) to a quarter of the 32 MB, and a
plan keeps to 400 posts, so the re-sends after lost answers still fit in the sync. When the rows
would need more posts, the posts grow (still within the size); a file too large even then is
refused in plain words before anything is sent.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING

from rowboat.core.errors import ConfigurationError
from rowboat.core.submit.model import BatchSpec

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "CONTENT_TYPE",
    "MAX_PLANNED_POSTS",
    "MAX_POSTS_PER_SYNC",
    "MAX_POST_BYTES",
    "POST_LIMIT_BYTES",
    "megabytes",
    "pack",
    "wire_record",
]

CONTENT_TYPE = "application/json"
POST_LIMIT_BYTES = 32 * 1024 * 1024  # Eloqua's limit; a larger post fails with 404
MAX_POST_BYTES = POST_LIMIT_BYTES // 4  # well under it, so a slow line still carries one
MAX_POSTS_PER_SYNC = 500  # Eloqua's limit
MAX_PLANNED_POSTS = 400  # leaves room for re-sends after lost answers in the same sync


def _wire_value(value: object) -> object:
    """A typed value as Eloqua takes it: JSON text, number or true/false, never a list."""
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, list | tuple):
        return "; ".join(str(_wire_value(v)) for v in value)
    return "" if value is None else str(value)


def wire_record(record: dict[str, object]) -> dict[str, object]:
    return {key: _wire_value(value) for key, value in record.items()}


def _encoded(records: Sequence[dict[str, object]]) -> list[bytes]:
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    return [dumps(wire_record(r)).encode("utf-8") for r in records]


def _cut(sizes: Sequence[int], rows_per_post: int, max_bytes: int) -> list[range]:
    """Consecutive runs of records, each at most `rows_per_post` records and `max_bytes` of JSON
    (the brackets and commas counted)."""
    runs: list[range] = []
    start, size = 0, 2
    for i, length in enumerate(sizes):
        added = length + (1 if i > start else 0)
        if i > start and (i - start >= rows_per_post or size + added > max_bytes):
            runs.append(range(start, i))
            start, size, added = i, 2, length
        size += added
    if start < len(sizes):
        runs.append(range(start, len(sizes)))
    return runs


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{max(1, size // 1000)} KB"


def pack(
    records: Sequence[dict[str, object]],
    rows: Sequence[int],
    *,
    rows_per_post: int,
    max_bytes: int = MAX_POST_BYTES,
    max_posts: int = MAX_PLANNED_POSTS,
) -> list[BatchSpec]:
    """The records cut into posts; ConfigurationError when they do not fit in one sync."""
    encoded = _encoded(records)
    sizes = [len(e) for e in encoded]
    too_big = [rows[i] for i, s in enumerate(sizes) if s + 2 > max_bytes]
    if too_big:
        raise ConfigurationError(
            f"Row {too_big[0]} holds more data than Eloqua takes in one request "
            f"({megabytes(max_bytes)}).",
            hint="Shorten its longest texts, or leave that row out.",
        )
    runs = _cut(sizes, rows_per_post, max_bytes)
    if len(runs) > max_posts:  # bigger posts rather than a second sync
        runs = _cut(sizes, math.ceil(len(records) / max_posts), max_bytes)
    if len(runs) > max_posts:
        total = sum(sizes)
        per_part = max(1, len(records) * max_posts // len(runs) * 9 // 10)
        raise ConfigurationError(
            f"These {len(records):,} registrants make {megabytes(total)} of data, more than "
            f"Eloqua takes in one import ({max_posts} requests of up to "
            f"{megabytes(max_bytes)}).",
            hint=f"Split the file into parts of about {per_part:,} rows and import them one "
            "after another.",
        )
    return [
        BatchSpec(
            rows=tuple(rows[i] for i in run),
            payload=b"[" + b",".join(encoded[i] for i in run) + b"]",
            content_type=CONTENT_TYPE,
            label=f"rows {rows[run.start]}–{rows[run.stop - 1]}",
        )
        for run in runs
    ]
