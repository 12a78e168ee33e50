"""The decisions reading a file makes (encoding, delimiter, quotes, sheet, header row, rows left
out or kept, renamed headers), each with its evidence and the option that overrides it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rowboat.core.decisions import Decision, Kind
from rowboat.core.lists import short_list
from rowboat.core.sources.preview import DELIMITER_NAMES, ENCODING_NAMES, delimiter_reason

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "blank_rows_decision",
    "control_characters_decision",
    "delimiter_decision",
    "encoding_decision",
    "header_names_decision",
    "header_row_decision",
    "hidden_rows_decision",
    "quote_decision",
    "sheet_decision",
    "totals_row_decision",
]


def _rows(numbers: Sequence[int]) -> str:
    return short_list([f"{n:,}" for n in numbers], 5)


def encoding_decision(used: str, given: bool, reason: str) -> Decision:
    name = ENCODING_NAMES.get(used, used)
    settled = given or used in {"utf-8", "utf-8-sig", "utf-16"}
    return Decision(
        Kind.ENCODING,
        "Text encoding",
        name,
        "You chose it." if given else f"{reason[:1].upper()}{reason[1:]}.",
        settled,
        "--encoding NAME (such as cp1252 or utf-8); on the Open step, Encoding",
        value=used,
    )


def delimiter_decision(
    delimiter: str, given: bool, by_suffix: str, records: list[list[str]]
) -> Decision:
    name = DELIMITER_NAMES.get(delimiter, repr(delimiter))
    if given:
        evidence, settled = "You chose it.", True
    elif by_suffix:
        evidence, settled = f"The file is named {by_suffix}, which means tab-separated.", True
    else:
        reason = delimiter_reason(records, delimiter)
        evidence, settled = f"{reason[:1].upper()}{reason[1:]}.", " splits every line " in reason
    return Decision(
        Kind.DELIMITER,
        "Delimiter",
        name,
        evidence,
        settled,
        "--delimiter CHAR (such as ';' or tab); on the Open step, Delimiter",
        value=delimiter,
    )


def quote_decision(quote: str | None, quoted: bool) -> Decision:
    if quote is None:
        decision, evidence = "quotes are read as text", "You asked for quotes to be kept as text."
    elif quoted:
        decision = 'a cell in double quotes (") is one cell'
        evidence = (
            "The file has cells in double quotes; a delimiter or line break inside the quotes "
            "stays in the cell, as Excel writes CSV."
        )
    else:
        decision = 'a cell in double quotes (") is one cell'
        evidence = "No cell of the file is in quotes, so nothing depends on it."
    return Decision(
        Kind.QUOTE,
        "Quotes",
        decision,
        evidence,
        True,
        "--quote none reads quotes as part of the text",
        value="none" if quote is None else quote,
    )


def sheet_decision(sheet: str, sheets: Sequence[str], given: bool, skipped: int) -> Decision:
    if given:
        evidence, settled = "You chose it.", True
    elif len(sheets) == 1:
        evidence, settled = "The workbook has one sheet.", True
    else:
        others = short_list([f"'{s}'" for s in sheets if s != sheet], 4)
        first = "the first sheet" if not skipped else "the first sheet with any cell filled"
        evidence, settled = f"It is {first} of {len(sheets)}; the others are {others}.", False
    return Decision(
        Kind.SHEET,
        "Sheet",
        f"'{sheet}'",
        evidence,
        settled,
        "--sheet NAME or NUMBER; on the Open step, Sheet",
        value=sheet,
    )


def header_row_decision(row: int, given: bool, labels: bool) -> Decision:
    if given:
        evidence, settled = "You chose it.", True
    elif not labels:
        evidence = (
            f"No row near the top holds mostly labels; row {row}, the first with cells filled, "
            "is taken as the header."
        )
        settled = False
    elif row == 1:
        evidence = "Row 1 holds labels (not numbers or dates), as many as the rows below have."
        settled = True
    else:
        above = "Row 1 holds" if row == 2 else f"Rows 1–{row - 1} hold"
        evidence = (
            f"{above} fewer cells (a title or notes); row {row} is the first row of labels as "
            "wide as the rows below it."
        )
        settled = False
    return Decision(
        Kind.HEADER_ROW,
        "Header row",
        f"row {row}",
        evidence,
        settled,
        "--header-row N; on the Open step, Header row (or click a row of the preview)",
        value=str(row),
    )


def header_names_decision(renamed: Sequence[tuple[str, str]]) -> Decision | None:
    if not renamed:
        return None
    shown = short_list([f"'{old or '(blank)'}' → '{new}'" for old, new in renamed], 3)
    blank = sum(1 for old, _ in renamed if not old)
    twice = len(renamed) - blank
    parts = []
    if twice:
        parts.append(f"{twice} {'column has' if twice == 1 else 'columns have'} a header "
                     "another column has too")  # fmt: skip
    if blank:
        parts.append(f"{blank} {'column has' if blank == 1 else 'columns have'} no header")
    return Decision(
        Kind.HEADER_NAMES,
        "Header names",
        f"renamed {shown}",
        f"Each column needs a name of its own: {' and '.join(parts)}.",
        True,
        "rename the headers in the file; a mapping file names the columns by their new names",
    )


def blank_rows_decision(count: int) -> Decision | None:
    if not count:
        return None
    rows = "1 blank row" if count == 1 else f"{count:,} blank rows"
    return Decision(
        Kind.BLANK_ROWS,
        "Blank rows",
        f"{rows} left out",
        "Every cell of these rows is empty, so they hold nothing to import.",
        True,
        "none needed: a blank row has nothing to import",
        value=str(count),
    )


def totals_row_decision(row: int | None, skipped: bool) -> Decision | None:
    if row is None:
        return None
    if skipped:
        decision, evidence, settled = "left out", "You asked to leave a totals row out.", True
    else:
        decision = "kept, and reported as a problem"
        evidence = (
            f"Row {row:,}, the last, has one cell filled and it starts with a word like "
            "'Total'; it may be a sum rather than an attendee."
        )
        settled = False
    return Decision(
        Kind.TOTALS_ROW,
        "Totals row",
        f"row {row:,} {decision}",
        evidence,
        settled,
        "--skip-totals-row leaves it out",
        value=str(row),
    )


def hidden_rows_decision(hidden: Sequence[int], filtered: int, skipped: bool) -> Decision | None:
    if not hidden:
        return None
    count = len(hidden)
    what = "1 hidden row" if count == 1 else f"{count:,} hidden rows"
    by_filter = ""
    if filtered:
        everyone = "filtered out" if count == 1 else "all filtered out"
        by_filter = (
            f" ({everyone} by an AutoFilter)"
            if filtered == count
            else f" ({filtered:,} of them filtered out by an AutoFilter)"
        )
    rows = f"Row {hidden[0]:,} is" if count == 1 else f"Rows {_rows(hidden)} are"
    if skipped:
        decision = f"{what} left out"
        evidence = f"{rows} hidden in Excel{by_filter}; you asked to leave them out."
        settled = True
    else:
        decision = f"{what} imported like the others"
        evidence = f"{rows} hidden in Excel{by_filter}; Rowboat reads every row, seen or not."
        settled = False
    return Decision(
        Kind.HIDDEN_ROWS,
        "Hidden rows",
        decision,
        evidence,
        settled,
        "--skip-hidden-rows leaves them out; on the Open step, Leave out hidden rows",
        value=str(count),
    )


def control_characters_decision(note: str) -> Decision | None:
    if not note:
        return None
    return Decision(
        Kind.CONTROL_CHARACTERS,
        "Control characters",
        "removed",
        note,
        True,
        "none needed: no cell means to hold them",
    )
