"""Thought Industries' import files: typed records written as CSV, answers read back onto rows.

An import file holds a header row and one row per record, so the file's row n (the header being
row 1, as the sandbox numbers `rowNumber`) is the batch's row n - 2. `SentAsset` and `BatchMemo`
are what Rowboat remembers of a batch (Run.remember): the asset before it is posted, the answer
once it came, so that a resume or the job's end can still name each row's outcome.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rowboat.core.clients.thought_industries_answers import COMPLETE, FAILED
from rowboat.core.submit.model import Ack, Outcome, RowOutcome

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from rowboat.core.submit.model import Batch

__all__ = [
    "FIRST_DATA_ROW",
    "BatchMemo",
    "RowReading",
    "SentAsset",
    "acknowledgement",
    "asset_columns",
    "expand_rows",
    "in_user_rows",
    "job_outcomes",
    "job_row_count",
    "read_answer",
    "row_ranges",
    "write_asset",
]

_CHECK = "check in Thought Industries"

FIRST_DATA_ROW = 2  # the header is the file's row 1


def asset_columns(field_keys: Sequence[str], records: Iterable[Mapping[str, object]]) -> list[str]:
    """The columns of the file: the endpoint's fields that any record fills, in the endpoint's
    order, then any other key (a field a schema file added) in the order first seen."""
    seen: dict[str, None] = {}
    for record in records:
        seen.update(dict.fromkeys(record))
    known = [k for k in field_keys if k in seen]
    return known + [k for k in seen if k not in set(field_keys)]


def write_asset(records: Sequence[Mapping[str, object]], columns: Sequence[str]) -> bytes:
    """The records as a UTF-8 CSV file: date-times in ISO 8601, lists joined by ';'."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([_cell(record.get(c)) for c in columns])
    return out.getvalue().encode("utf-8")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(_cell(v).strip() for v in value if _cell(v).strip())
    return str(value)


@dataclass
class RowReading:
    """A bulk import's answer on the user's rows."""

    valid: list[int] = field(default_factory=list)
    invalid: dict[int, str] = field(default_factory=dict)  # row -> the server's reasons
    unreported: list[int] = field(default_factory=list)  # sent, and not in the answer


def read_answer(
    valid_rows: Sequence[Mapping[str, Any]],
    invalid_rows: Sequence[Mapping[str, Any]],
    rows: Sequence[int],
    labels: Mapping[str, str],
) -> RowReading:
    """Map the answer's validRows/invalidRows (by rowNumber, the file's row) to `rows`, the
    user's row numbers in file order. An answer whose rows carry no number is trusted only when
    it accepts every row; otherwise the rows it cannot place are unreported."""
    reading = RowReading()
    placed: set[int] = set()
    numbered = all(_position(r, len(rows)) is not None for r in (*valid_rows, *invalid_rows))
    if not numbered and not invalid_rows and len(valid_rows) == len(rows):
        reading.valid = list(rows)
        return reading
    for answer_row in valid_rows:
        at = _position(answer_row, len(rows))
        if at is not None and rows[at] not in placed:
            placed.add(rows[at])
            reading.valid.append(rows[at])
    for answer_row in invalid_rows:
        at = _position(answer_row, len(rows))
        if at is not None:
            row = rows[at]
            reading.invalid[row] = reasons(answer_row, labels)
            if row in placed:  # named valid and invalid: it was refused
                reading.valid.remove(row)
            placed.add(row)
    reading.unreported = [r for r in rows if r not in placed]
    return reading


def _position(answer_row: Mapping[str, Any], count: int) -> int | None:
    """The batch index of an answer row, from its rowNumber; None when it names no row sent."""
    number = answer_row.get("rowNumber")
    if isinstance(number, str) and number.strip().isdigit():
        number = int(number)
    if not isinstance(number, int) or isinstance(number, bool):
        return None
    at = number - FIRST_DATA_ROW
    return at if 0 <= at < count else None


def reasons(answer_row: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """Why the server refused a row, in its words, each reason after the field's label."""
    parts: list[str] = []
    errors = answer_row.get("errors")
    for error in errors if isinstance(errors, list) else [errors]:
        if isinstance(error, str) and error.strip():
            parts.append(error.strip())
        elif isinstance(error, dict):
            said = error.get("message") or error.get("error")
            column = str(error.get("column") or error.get("field") or "")
            if isinstance(said, str) and said.strip():
                label = labels.get(column, column)
                parts.append(f"{label}: {said.strip()}" if label else said.strip())
    for key in ("error", "message", "reason"):
        said = answer_row.get(key)
        if isinstance(said, str) and said.strip():
            parts.append(said.strip())
    return "; ".join(parts) or "Thought Industries refused this row without saying why."


_ROW_MENTION = re.compile(r"\b(rows?) (\d+)\b")


def in_user_rows(text: str, rows: Sequence[int]) -> str:
    """A server message with each "row N" of the file turned into the user's row number."""

    def user_row(match: re.Match[str]) -> str:
        at = int(match.group(2)) - FIRST_DATA_ROW
        if 0 <= at < len(rows):
            return f"{match.group(1)} {rows[at]}"
        return match.group(0)

    return _ROW_MENTION.sub(user_row, text)


def row_ranges(rows: Iterable[int]) -> str:
    """Row numbers as compact ranges: [2, 3, 4, 7] -> "2-4,7"."""
    parts: list[str] = []
    ordered = sorted(set(rows))
    start = prev = None
    for row in ordered:
        if start is None:
            start = prev = row
        elif prev is not None and row == prev + 1:
            prev = row
        else:
            parts.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = prev = row
    if start is not None:
        parts.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ",".join(parts)


def expand_rows(text: str) -> list[int]:
    rows: list[int] = []
    for part in filter(None, text.split(",")):
        first, _, last = part.partition("-")
        rows.extend(range(int(first), int(last or first) + 1))
    return rows


@dataclass(frozen=True)
class BatchMemo:
    """What Rowboat knows of one batch's import, kept with Run.remember.

    `checked` is False when the answer was lost and the job was found in the job list: then the
    rows' split into valid and invalid is unknown, and `count` is how many rows the job's
    description says it imports (when it says).
    """

    job: str | None
    dry_run: bool
    checked: bool = True
    valid: tuple[int, ...] = ()
    invalid: tuple[tuple[int, str], ...] = ()
    unreported: tuple[int, ...] = ()
    count: int | None = None

    def dumps(self) -> str:
        return json.dumps(
            {
                "job": self.job,
                "dry_run": self.dry_run,
                "checked": self.checked,
                "valid": row_ranges(self.valid),
                "invalid": {str(r): m for r, m in self.invalid},
                "unreported": row_ranges(self.unreported),
                "count": self.count,
            },
            ensure_ascii=False,
        )

    @classmethod
    def loads(cls, text: str) -> BatchMemo:
        data = json.loads(text)
        return cls(
            job=data["job"],
            dry_run=bool(data["dry_run"]),
            checked=bool(data["checked"]),
            valid=tuple(expand_rows(data["valid"])),
            invalid=tuple((int(r), str(m)) for r, m in data["invalid"].items()),
            unreported=tuple(expand_rows(data["unreported"])),
            count=data["count"],
        )


@dataclass(frozen=True)
class SentAsset:
    """The asset a batch's bulk import names, as remembered before it is posted."""

    path: str
    created_at: str = ""  # when it was uploaded: older jobs cannot be its import
    earlier: tuple[str, ...] = ()  # jobs that named a user's asset before this import
    listed: bool = True  # False: the site has no job list to resolve a lost answer with

    def dumps(self) -> str:
        return json.dumps(
            {"path": self.path, "created_at": self.created_at, "earlier": list(self.earlier),
             "listed": self.listed}
        )  # fmt: skip

    @classmethod
    def loads(cls, text: str) -> SentAsset:
        data = json.loads(text)
        return cls(data["path"], data["created_at"], tuple(data["earlier"]), data["listed"])


def acknowledgement(batch: Batch, memo: BatchMemo, asset_path: str) -> Ack:
    """The outcomes a bulk import's answer settles now; valid rows wait for their job."""
    remote = {"asset": asset_path} if asset_path else {}
    if memo.job:
        remote["job"] = memo.job
    if not memo.checked:
        taken = "Thought Industries took the import file; its job tells what became of this row."
        return Ack(tuple(RowOutcome(r, Outcome.ACCEPTED, taken) for r in batch.rows), remote)
    if memo.dry_run:
        fine = "Dry run: Thought Industries found nothing wrong with this row; nothing was stored."
    elif memo.job:
        fine = "Thought Industries is importing this row."
    else:
        fine = (
            "Thought Industries accepted this row but named no import job to follow; "
            f"{_CHECK} that its session exists."
        )
    silent = f"Thought Industries' answer did not mention this row; {_CHECK} whether it arrived."
    outcomes = [RowOutcome(r, Outcome.ACCEPTED, fine) for r in memo.valid]
    outcomes += [RowOutcome(r, Outcome.REJECTED, why) for r, why in memo.invalid]
    outcomes += [RowOutcome(r, Outcome.UNKNOWN, silent) for r in memo.unreported]
    return Ack(tuple(sorted(outcomes, key=lambda o: o.row)), remote)


def job_outcomes(batch: Batch, memo: BatchMemo, end: dict[str, str]) -> list[RowOutcome]:
    """The final outcome of the rows a job imported, from the way it ended."""
    status = end["status"]
    rows = memo.valid if memo.checked else batch.rows
    if status == COMPLETE:
        if memo.checked or memo.count == len(batch.rows):
            return [RowOutcome(r, Outcome.CREATED) for r in rows]
        some = f"{memo.count} of the {len(batch.rows)}" if memo.count is not None else "some"
        message = (
            f"Thought Industries imported {some} rows of this import file, but its answer naming "
            f"them was lost; {_CHECK} whether this row's session exists."
        )
        return [RowOutcome(r, Outcome.UNKNOWN, message) for r in rows]
    if status == FAILED:
        said = in_user_rows(end.get("errorMessage", "").strip(), batch.rows)
        message = "Thought Industries' import job failed, so none of its rows were imported"
        message = f"{message}: {said}" if said else f"{message}."
        return [RowOutcome(r, Outcome.REJECTED, message) for r in rows]
    if status == "missing":
        message = f"Thought Industries no longer knows this row's import job; {_CHECK}."
    else:
        message = (
            f"Thought Industries reported this row's import job as '{end.get('seen', status)}', "
            f"a state Rowboat does not know, for too long; {_CHECK}."
        )
    return [RowOutcome(r, Outcome.UNKNOWN, message) for r in rows]


def job_row_count(description: str, asset_path: str) -> int | None:
    """How many rows a job imports, when its description says so before naming the asset
    ("Bulk import of 12 webinar sessions from imports/…")."""
    numbers = re.findall(r"\b\d+\b", description.split(asset_path, 1)[0])
    return int(numbers[0]) if len(numbers) == 1 else None
