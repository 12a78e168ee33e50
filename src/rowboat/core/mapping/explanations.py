"""One-line explanations of matches: "'Attendee E-mail' → Email: the role word 'Attendee' is
ignored"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rowboat.core.mapping.model import MatchMethod, NamePart

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rowboat.core.mapping.model import FieldSource, Mapping
    from rowboat.core.targets.schema import Endpoint

__all__ = ["describe", "details", "line", "quoted"]


def quoted(items: Sequence[str]) -> str:
    """'A', 'A' and 'B', 'A', 'B' and 'C'."""
    marks = [f"'{i}'" for i in items]
    return marks[0] if len(marks) == 1 else f"{', '.join(marks[:-1])} and {marks[-1]}"


def line(header: str, label: str, notes: Sequence[str]) -> str:
    """The explanation of one match, on one line."""
    return f"'{header.strip()}' → {label}: {'; '.join(notes)}"


def same_name() -> str:
    return "the same name as the field"


def known_name(shown: str, language: str, *, whole: bool) -> str:
    kind = f"a known {language} name" if language else "a known name"
    return f"{kind} for it" if whole else f"'{shown}' is {kind} for it"


def close_to(shown: str, score: float) -> str:
    return f"close to '{shown}' ({round(score * 100)}% alike)"


def ignored(kind: str, items: Sequence[str]) -> str:
    verb = "is" if len(items) == 1 else "are"
    plural = "" if len(items) == 1 else "s"
    return f"the {kind}{plural} {quoted(items)} {verb} ignored"


def qualifier_fits(items: Sequence[str], label: str) -> str:
    return f"the qualifier {quoted(items)} fits {label}"


def qualifier_steers(items: Sequence[str], label: str, instead: str) -> str:
    return f"the qualifier {quoted(items)} points to {label}, not {instead}"


def qualifier_fits_none(items: Sequence[str]) -> str:
    return f"the qualifier {quoted(items)} fits no field here, so the match is less sure"


def number_marker(marker: str, label: str) -> str:
    return f"'{marker}' marks a number, and {label} holds one"


def first_line() -> str:
    return "its '1' marks the first of several lines"


def alternatives(parts: Sequence[str], named: Sequence[str], label: str) -> str:
    read = "read as " + " or ".join(f"'{p}'" for p in parts)
    if len(named) == len(parts):
        return f"{read}: {'both' if len(parts) == 2 else 'all'} mean {label}"
    unknown = [p for p in parts if p not in named]
    return f"{read}: {quoted(named)} means {label}, {quoted(unknown)} names nothing here"


def full_name(part: NamePart) -> str:
    return f"a full name: its {'first' if part is NamePart.FIRST else 'last'} part"


def surname_beside_first() -> str:
    return "beside a first-name column, 'Name' is the surname"


def looks_like_emails() -> str:
    return "its values look like email addresses"


def better(winner: str) -> str:
    return f"'{winner}' fits better"


def describe(source: FieldSource, endpoint: Endpoint) -> str:
    """The source's explanation: the matcher's own, or one said from how the source was made."""
    if source.reason:
        return source.reason
    try:
        label = endpoint.field(source.field).label
    except KeyError:
        label = source.field
    if source.constant is not None:
        return f"{label}: always '{source.constant}'"
    header = " + ".join(source.columns)
    how = {
        MatchMethod.PROFILE: "remembered for files with these columns",
        MatchMethod.MANUAL: "chosen by you or by the mapping file",
        MatchMethod.EXACT: same_name(),
        MatchMethod.SYNONYM: "a known name for it",
        MatchMethod.FUZZY: "a similar name",
        MatchMethod.CONTENT: looks_like_emails(),
    }[source.method]
    if source.split_name is not None:
        how = f"{how}; {full_name(source.split_name)}"
    return line(header, label, [how])


def details(mapping: Mapping, endpoint: Endpoint) -> list[dict[str, object]]:
    """Each source of the mapping in plain data: where the field's value comes from, how it was
    found, how sure that is, why in one line, and the column that came second, if any."""
    out: list[dict[str, object]] = []
    for s in mapping.sources:
        alternative = s.alternative
        out.append(
            {
                "field": s.field,
                "columns": list(s.columns),
                "constant": s.constant,
                "split_name": None if s.split_name is None else s.split_name.value,
                "method": s.method.value,
                "confidence": s.confidence,
                "reason": describe(s, endpoint),
                "alternative": None
                if alternative is None
                else {
                    "column": alternative.column,
                    "confidence": alternative.confidence,
                    "reason": alternative.reason,
                },
            }
        )
    return out
