"""Readings: how a column's own values decide its ambiguous cells (day order, decimal comma).

validate() reads "03/04/2026" day-first or month-first, and "149,50" with a decimal comma or a
thousands comma, by looking at the whole column (validation/dates.py, checks._numbers) and, for
dates nothing settles, at the file's locale hint and the region (dates.choose_order). Re-checking
one row must read it the same way, so each such column keeps the counts behind that decision, and
an edit moves its row's share of them. The counting mirrors those two places (the same patterns on
the same values); tests/core/test_validation_edits.py proves the edits agree with validate().
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rowboat.core.arrow_text import filled_mask, mask_array
from rowboat.core.targets.schema import FieldType
from rowboat.core.validation.date_checks import OFFSET
from rowboat.core.validation.dates import OrderVotes, choose_order

if TYPE_CHECKING:
    import numpy.typing as npt

    from rowboat.core.mapping.model import FieldSource
    from rowboat.core.table import LocaleHint
    from rowboat.core.targets.schema import Field
    from rowboat.core.validation.dates import OrderChoice
    from rowboat.core.validation.result import ValidationOptions

__all__ = ["Reading", "Votes", "reading_for"]

# dates.parse_dates: the day-month-year shape whose order the column decides, and its parts.
_DMY = r"^(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})[./-](?P<y>\d{2,4})(?P<rest>.*)$"
# checks._check_list: how a list field's cell splits into parts.
_PARTS = r"\s*[,;]\s*"

# Columns of Votes: day-month-year cells, first number above 12, second number above 12, not
# written with "/"; cells with a dot; cells with a comma and no dot.
DMY, FIRST_BIG, SECOND_BIG, NOT_SLASH, DOT, COMMA_ONLY = range(6)
Votes = np.ndarray  # int64, shape (rows, 6): each row's share of its column's counts


def _parts(values: pa.Array, multiple: bool) -> tuple[pa.Array, npt.NDArray[np.int64]]:
    """The checked values (a list field's parts) and the row each came from."""
    rows = np.arange(len(values), dtype=np.int64)
    filled = filled_mask(values)
    values, rows = values.filter(pa.array(filled)), rows[filled]
    if multiple:
        lists = pc.split_pattern_regex(values, _PARTS)
        owners = rows[np.asarray(pc.list_parent_indices(lists))]
        values = pc.list_flatten(lists)
        keep = np.asarray(pc.utf8_length(values)) > 0
        values, rows = values.filter(pa.array(keep)), owners[keep]
    return values, rows


def count_votes(values: pa.Array, field: Field) -> Votes:
    """Each row's votes towards its column's reading (zeros for fields without one)."""
    votes = np.zeros((len(values), 6), dtype=np.int64)
    if field.type in (FieldType.DATE, FieldType.DATETIME):
        parts, rows = _parts(values, field.multiple)
        if field.type is FieldType.DATETIME:  # checks._datetime reads the date without its offset
            parts = pc.utf8_trim_whitespace(pc.replace_substring_regex(parts, OFFSET, ""))
        found = pc.extract_regex(parts, _DMY)
        dmy = mask_array(pc.is_valid(found))
        if dmy.any():
            where = rows[dmy]
            found = found.filter(pa.array(dmy))
            first = np.asarray(pc.cast(pc.struct_field(found, [0]), pa.int64()))
            second = np.asarray(pc.cast(pc.struct_field(found, [2]), pa.int64()))
            slash = mask_array(pc.equal(pc.struct_field(found, [1]), "/"))
            for column, hits in (
                (DMY, np.ones(len(where), dtype=bool)),
                (FIRST_BIG, first > 12),
                (SECOND_BIG, second > 12),
                (NOT_SLASH, ~slash),
            ):
                np.add.at(votes[:, column], where, hits.astype(np.int64))
    elif field.type in (FieldType.INTEGER, FieldType.DECIMAL) and not field.multiple:
        # A list field's parts are split at commas, so its reading never depends on them.
        filled = filled_mask(values)
        dot = mask_array(pc.match_substring(values, "."))
        comma = mask_array(pc.match_substring(values, ","))
        votes[:, DOT] = filled & dot
        votes[:, COMMA_ONLY] = filled & comma & ~dot
    return votes


@dataclass
class Reading:
    """One field's column-wide counts and the reading they decide (mutable: edits move them)."""

    field: Field
    region: str
    totals: npt.NDArray[np.int64]
    hint: LocaleHint | None = None

    def order(self) -> OrderChoice:
        """dates.choose_order's decision over the whole column."""
        t = self.totals
        votes = OrderVotes(int(t[DMY]), int(t[FIRST_BIG]), int(t[SECOND_BIG]), int(t[NOT_SLASH]))
        return choose_order(votes, None, self.hint, self.region)

    def decimal_comma(self) -> bool:
        """checks._numbers' decision: commas and no dots anywhere means decimal commas."""
        return bool(self.totals[DOT] == 0)

    def decision(self) -> tuple[OrderChoice | None, bool | None]:
        """(date order, decimal_comma) to pass on explicitly; None where this field has neither.

        The order carries its reason, which the messages of dates read only the other way
        quote: a change of reason re-reads the column as a change of order does."""
        if self.field.type in (FieldType.DATE, FieldType.DATETIME):
            return self.order(), None
        return None, self.decimal_comma()

    def move(self, old: Votes, new: Votes) -> bool:
        """Replace some rows' votes; True when other rows now read differently."""
        before = self.decision()
        self.totals += new.sum(axis=0) - old.sum(axis=0)
        if self.decision() == before:
            return False
        # Only cells of the ambiguous shape change their reading; do any besides these rows?
        others = self.totals - new.sum(axis=0)
        shape = DMY if self.field.type in (FieldType.DATE, FieldType.DATETIME) else COMMA_ONLY
        return bool(others[shape] > 0)


def needs_reading(field: Field, source: FieldSource, options: ValidationOptions) -> bool:
    """Whether validate() lets this field's column decide how its cells read."""
    if field.type in (FieldType.DATE, FieldType.DATETIME):
        return options.given_order(source) is None and source.date_format is None
    if field.type in (FieldType.INTEGER, FieldType.DECIMAL):
        return options.decimal_comma_for(source) is None and not field.multiple
    return False


def reading_for(
    field: Field, column: pa.Array, region: str, hint: LocaleHint | None = None
) -> Reading:
    """The counts of a whole column of mapped values."""
    return Reading(field, region, count_votes(column, field).sum(axis=0), hint)
