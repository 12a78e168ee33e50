"""What an Eloqua sync did with each row: its rejects matched to the records sent, by recordIndex
and checked against their fieldValues, over every data post the sync took, in posting order.

A reject names its record only by `recordIndex`, its position in the sync's staged data, and
Oracle does not say whether that counts from 0 or 1. Nor does Rowboat always know which posts the
sync took: a post whose answer was lost may or may not have been staged (it was posted again, and
the identifier field makes the second copy harmless). So the positions are worked out, not
assumed: every base (0 or 1) and every choice of the uncertain posts is tried, and kept only when
each reject's fieldValues are the values sent at that position, the posts add up to the number
of records the sync reports, and every duplicate reject (ELQ-00026) has the other record of its
identifier among the posts taken. Rows on which the readings that fit disagree are reported as
unknown; none is guessed.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rowboat.core.submit.model import Outcome, RowOutcome

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["Post", "Reject", "SyncCounts", "row_outcomes", "wire_text"]

DUPLICATE = "ELQ-00026"  # a second record of one identifier in a sync
MAX_READINGS = 16  # readings compared per row; more only repeat the same outcomes
MAX_TRIED = 512  # readings looked at to find those; past that, rows that differ are unknown
UNCLEAR = "Eloqua's report of the sync does not say clearly what became of this row; check it in "
UNCLEAR += "Eloqua."


@dataclass(frozen=True)
class Post:
    """One data post the sync may have taken, in posting order."""

    seq: int  # its batch
    certain: bool  # answered, so staged for sure; else its answer was lost
    records: Sequence[Mapping[str, object]]
    rows: Sequence[int]  # the user's row of each record


@dataclass(frozen=True)
class Reject:
    """One item of `GET /syncs/{id}/rejects`."""

    index: int
    values: Mapping[str, str]
    message: str
    code: str

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> Reject:
        values = item.get("fieldValues")
        return cls(
            index=int(item.get("recordIndex", -1)),
            values={str(k): wire_text(v) for k, v in values.items()}
            if isinstance(values, dict)
            else {},
            message=str(item.get("message") or ""),
            code=str(item.get("statusCode") or ""),
        )

    @property
    def duplicate(self) -> bool:
        return self.code == DUPLICATE


@dataclass(frozen=True)
class SyncCounts:
    """The counts of a sync's logs (None where a log line is missing)."""

    processed: int | None = None  # ELQ-00001
    created: int | None = None  # ELQ-00077
    updated: int | None = None  # ELQ-00079

    @classmethod
    def from_logs(cls, items: Sequence[Mapping[str, Any]]) -> SyncCounts:
        codes = {"ELQ-00001": "processed", "ELQ-00077": "created", "ELQ-00079": "updated"}
        found: dict[str, int] = {}
        for item in items:
            name = codes.get(str(item.get("statusCode") or ""))
            if name is not None and isinstance(item.get("count"), int):
                found[name] = found.get(name, 0) + int(item["count"])
        return cls(**found)


def wire_text(value: object) -> str:
    """A JSON value as Eloqua keeps it: text trimmed, true/false, numbers as written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return str(value).strip()


def _same(sent: object, staged: str) -> bool:
    mine, theirs = wire_text(sent).casefold(), staged.strip().casefold()
    if mine == theirs:
        return True
    try:  # 2 and 2.0 are one number
        a, b = float(mine), float(theirs)
    except ValueError:
        return False
    return math.isclose(a, b) if math.isfinite(a) and math.isfinite(b) else False


def _matches(record: Mapping[str, object], reject: Reject, identifier: str, strict: bool) -> bool:
    """Whether the reject's fieldValues are this record's: all of them (strict), or only the
    identifier (for a server that reformats values, e.g. dates)."""
    if not _same(record.get(identifier, ""), reject.values.get(identifier, "")):
        return False
    if not strict:
        return True
    return all(_same(record.get(key, ""), value) for key, value in reject.values.items())


Reading = tuple[int | None, ...]  # per post: where it starts in the staged data, None: not taken


def _readings(
    posts: Sequence[Post], rejects: Sequence[Reject], total: int | None, identifier: str,
    strict: bool, base: int,
) -> list[Reading]:  # fmt: skip
    """The ways the posts can make the sync's staged data, rejects counting from `base`."""
    placed = sorted(((r.index - base, n) for n, r in enumerate(rejects)), key=lambda p: p[0])
    positions = [p for p, _ in placed]
    if positions and positions[0] < 0:
        return []

    def fits(post: Post, start: int) -> bool:
        low = bisect_left(positions, start)
        high = bisect_left(positions, start + len(post.records))
        return all(
            _matches(post.records[positions[k] - start], rejects[placed[k][1]], identifier, strict)
            for k in range(low, high)
        )

    # Dynamic programming over the posts: offset reached -> the ways (previous offset, taken).
    layers: list[dict[int, list[tuple[int, bool]]]] = []
    layer: dict[int, list[tuple[int, bool]]] = {0: []}
    for post in posts:
        following: dict[int, list[tuple[int, bool]]] = defaultdict(list)
        for offset in layer:
            if not post.certain:
                following[offset].append((offset, False))
            if fits(post, offset):
                following[offset + len(post.records)].append((offset, True))
        if not following:
            return []
        layers.append(following)
        layer = following
    last = positions[-1] + 1 if positions else 0
    ends = [o for o in layer if o >= last and (total is None or o == total)]
    partnered = _Partners(posts, rejects, identifier)
    readings: list[Reading] = []
    stack: list[tuple[int, int, tuple[int | None, ...]]] = [(len(posts) - 1, e, ()) for e in ends]
    tried = 0
    while stack and len(readings) < MAX_READINGS and tried < MAX_TRIED:
        i, offset, later = stack.pop()
        if i < 0:
            tried += 1
            if partnered(later):
                readings.append(later)
            continue
        for previous, taken in layers[i][offset]:
            stack.append((i - 1, previous, (previous if taken else None, *later)))
    return readings


class _Partners:
    """Whether a reading gives every duplicate reject (ELQ-00026: another record of the same
    identifier came in the sync) that other record: per identifier, the sync took more records
    than it refused as duplicates."""

    def __init__(self, posts: Sequence[Post], rejects: Sequence[Reject], identifier: str):
        self.posts = posts
        self.identifier = identifier
        self.duplicates: dict[str, int] = defaultdict(int)
        for reject in rejects:
            if reject.duplicate:
                self.duplicates[_key(reject.values.get(identifier, ""))] += 1
        self.sure: dict[str, int] = defaultdict(int)
        for post in posts:
            if post.certain:
                self._count(post, self.sure)

    def _count(self, post: Post, counts: dict[str, int]) -> None:
        for record in post.records:
            key = _key(record.get(self.identifier, ""))
            if key in self.duplicates:
                counts[key] += 1

    def __call__(self, reading: Reading) -> bool:
        if not self.duplicates:
            return True
        counts: dict[str, int] = defaultdict(int, self.sure)
        for post, start in zip(self.posts, reading, strict=True):
            if start is not None and not post.certain:
                self._count(post, counts)
        return all(counts[key] > n for key, n in self.duplicates.items())


def _key(value: object) -> str:
    return wire_text(value).casefold()


def _plain(reject: Reject) -> str:
    text = reject.message.strip()
    if text.casefold().startswith("record rejected:"):
        text = text[len("record rejected:") :].strip()
    if not text:
        return f"Eloqua rejected this row ({reject.code or 'no reason given'})."
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _imported(counts: SyncCounts) -> RowOutcome:
    """The outcome of a row the sync took without a reject, as far as the counts tell."""
    if counts.updated == 0 and counts.created is not None:
        return RowOutcome(0, Outcome.CREATED)
    if counts.created == 0 and counts.updated is not None:
        return RowOutcome(0, Outcome.UPDATED)
    said = (
        f" ({counts.created} created, {counts.updated} updated)"
        if counts.created is not None and counts.updated is not None
        else ""
    )
    return RowOutcome(
        0,
        Outcome.ACCEPTED,
        f"Imported (created or updated): Eloqua's logs give only counts{said}, not which row "
        "was which.",
    )


def _decide(
    posts: Sequence[Post], reading: Reading, rejects: Sequence[Reject], base: int,
    counts: SyncCounts,
) -> dict[int, RowOutcome]:  # fmt: skip
    at = {r.index - base: r for r in rejects}
    copies: dict[tuple[int, int], list[Reject | None]] = defaultdict(list)
    rows: dict[tuple[int, int], int] = {}
    for post, start in zip(posts, reading, strict=True):
        for j, row in enumerate(post.rows):
            rows[(post.seq, j)] = row
            if start is not None:
                copies[(post.seq, j)].append(at.get(start + j))
    imported = _imported(counts)
    decided: dict[int, RowOutcome] = {}
    for key, found in copies.items():
        row = rows[key]
        if any(r is None for r in found):
            # One copy went in; a later copy refused as a duplicate was our own re-send.
            decided[row] = RowOutcome(row, imported.outcome, imported.message)
        else:
            real = [r for r in found if r is not None and not r.duplicate]
            first = (real or [r for r in found if r is not None])[0]
            decided[row] = RowOutcome(row, Outcome.REJECTED, _plain(first))
    return decided


def row_outcomes(
    posts: Sequence[Post], rejects: Sequence[Reject], counts: SyncCounts, identifier: str
) -> list[RowOutcome]:
    """Every row of the posts the sync took, with what Eloqua did with it."""
    certain_rows = [row for p in posts if p.certain for row in p.rows]
    if counts.processed == 0 and certain_rows:
        message = (
            "Eloqua's sync processed no rows at all (their staged data may have expired before "
            "the sync), so this row was not imported."
        )
        return [RowOutcome(row, Outcome.SKIPPED, message) for row in dict.fromkeys(certain_rows)]
    for strict in (True, False):
        found = [
            (base, reading)
            for base in (1, 0)
            for reading in _readings(posts, rejects, counts.processed, identifier, strict, base)
        ]
        if found:
            return _agreed([_decide(posts, r, rejects, b, counts) for b, r in found])
    return _by_identifier(posts, rejects, identifier)


def _agreed(decisions: Sequence[dict[int, RowOutcome]]) -> list[RowOutcome]:
    """Each row's outcome where every reading agrees, else unknown."""
    rows = dict.fromkeys(row for d in decisions for row in d)
    agreed: list[RowOutcome] = []
    for row in rows:
        seen = [d.get(row) for d in decisions]
        first = seen[0]
        if first is not None and all(s == first for s in seen):
            agreed.append(first)
        else:
            agreed.append(RowOutcome(row, Outcome.UNKNOWN, UNCLEAR))
    return agreed


def _by_identifier(
    posts: Sequence[Post], rejects: Sequence[Reject], identifier: str
) -> list[RowOutcome]:
    """No reading fits: place a reject only where its identifier names one row sent; every other
    row taken for sure is unknown rather than guessed."""
    rows_of: dict[str, set[int]] = defaultdict(set)
    for post in posts:
        for record, row in zip(post.records, post.rows, strict=True):
            rows_of[wire_text(record.get(identifier, "")).casefold()].add(row)
    outcomes: dict[int, RowOutcome] = {}
    for reject in rejects:
        rows = rows_of.get(reject.values.get(identifier, "").strip().casefold(), set())
        if len(rows) == 1 and not reject.duplicate:
            (row,) = rows
            outcomes.setdefault(row, RowOutcome(row, Outcome.REJECTED, _plain(reject)))
    for post in posts:
        if post.certain:
            for row in post.rows:
                outcomes.setdefault(row, RowOutcome(row, Outcome.UNKNOWN, UNCLEAR))
    return list(outcomes.values())
