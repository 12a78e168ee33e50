"""Checked: what checking one column found, built so the common case (no problem) costs nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rowboat.core.arrow_text import mask_array, scalar

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy.typing as npt

    from rowboat.core.table import LocaleHint
    from rowboat.core.validation.dates import OrderChoice

__all__ = ["Checked", "Options", "Positions", "quote"]

Positions = np.ndarray  # int64 positions into the checked column


@dataclass(frozen=True)
class Options:
    """How one field's values read: what is given (or decided for the whole column), and the
    file's locale hint for what nothing settles."""

    default_region: str
    decimal_comma: bool | None
    date_order: OrderChoice | None  # None: the column's own dates decide (dates.choose_order)
    date_format: str | None
    locale_hint: LocaleHint | None = None
    serial_dates: bool = True  # read Excel serial numbers (46023.5) in date columns as dates


def quote(value: str) -> str:
    return f"'{value}'"


class Checked:
    """The outcome of checking one column of filled values (positions index that column).

    `value` holds the normalised text of every value; `bad` marks the values with a problem, and
    `found` one (positions, code, messages) group per kind of problem, a value's first problem
    winning. Messages are written only for the values that failed, which are few.
    """

    def __init__(self, values: pa.Array) -> None:
        self.values = values
        self.value = values
        self.bad: npt.NDArray[np.bool_] = np.zeros(len(values), dtype=bool)
        self.found: list[tuple[Positions, str, list[str]]] = []
        self.facts: object = None  # what a check decided for the column (facts.py), if anything

    def flag(
        self,
        mask: pa.Array | npt.NDArray[np.bool_],
        code: str,
        message: str | Callable[[Positions], list[str]],
    ) -> None:
        """Mark the values in `mask` that have no problem yet. A str message may hold {q}, the
        quoted value; a callable gets the positions and returns one message for each."""
        new = mask_array(mask) & ~self.bad
        if not new.any():
            return
        positions = np.flatnonzero(new)
        self.bad |= new
        if isinstance(message, str):
            texts = [message.replace("{q}", quote(v)) for v in self.at(positions)]
        else:
            texts = message(positions)
        self.found.append((positions, code, texts))

    def flag_each(self, positions: Positions, problems: list[tuple[str, str]]) -> None:
        """Mark values whose (code, message) was worked out one by one."""
        groups: dict[str, tuple[list[int], list[str]]] = {}
        for position, (code, message) in zip(positions.tolist(), problems, strict=True):
            where, texts = groups.setdefault(code, ([], []))
            where.append(position)
            texts.append(message)
        for code, (where, texts) in groups.items():
            self.bad[where] = True
            self.found.append((np.asarray(where, dtype=np.int64), code, texts))

    def at(self, positions: Positions) -> list[str]:
        """The values as read at `positions`."""
        return [str(v) for v in self.values.take(pa.array(positions)).to_pylist()]

    def looked_up(self, found: pa.Array, code: str, message: str) -> Checked:
        """Finish a check by lookup: values not found (null) are problems, the rest normal."""
        self.flag(pc.is_null(found), code, message)
        self.value = pc.fill_null(found, scalar(""))
        return self

    def cleaned(self) -> pa.Array:
        """The normalised values, "" where a value has a problem."""
        if not self.bad.any():
            return self.value
        return pc.if_else(pa.array(self.bad), scalar(""), self.value)
