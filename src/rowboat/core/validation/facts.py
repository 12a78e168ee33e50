"""What checking a column decided (date order, serial numbers, decimal commas, the phone region)
and the Decisions that say so, with the mapped fields' name splits and transforms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rowboat.core.decisions import DateOrder, Decision, Kind
from rowboat.core.mapping.model import Case, MatchMethod, NamePart
from rowboat.core.targets.schema import FieldType

if TYPE_CHECKING:
    from rowboat.core.mapping.model import FieldSource
    from rowboat.core.mapping.names import NameFacts
    from rowboat.core.targets.schema import Field
    from rowboat.core.validation.dates import OrderChoice, OrderVotes
    from rowboat.core.validation.result import ValidationOptions

__all__ = [
    "DateFacts",
    "NumberFacts",
    "PhoneFacts",
    "field_decisions",
    "name_decision",
    "region_decision",
]

_DATE_ORDER_OVERRIDE = (
    '--date-order DMY|MDY|YMD; in a mapping file, "date_order" for the field; on the Map step, '
    "Date order"
)
_SERIAL_OVERRIDE = (
    '--serial-dates yes|no; in a mapping file, "serial_dates" for the field; on the Map step, '
    "Read Excel date numbers as dates"
)
_DECIMAL_OVERRIDE = (
    '--decimal-comma yes|no; in a mapping file, "decimal_comma" for the field; on the Map step, '
    "Decimal comma"
)
_NAME_OVERRIDE = (
    '--name-order "first last"|"last first"; in a mapping file, "name_order" for the field; on '
    "the Map step, Name order"
)


@dataclass(frozen=True)
class DateFacts:
    """How a date column read: its day-month-year votes and order, and its serial numbers."""

    votes: OrderVotes
    choice: OrderChoice | None
    serials: int
    serials_read: bool
    other_order: int  # dates that are dates only in the other order
    date_format: str | None
    serial_example: str = ""


@dataclass(frozen=True)
class NumberFacts:
    """How the numbers with a comma and no dot read (as 1,5 or as 1,500)."""

    comma_only: int
    total: int
    any_dot: bool
    decimal_comma: bool
    given: bool
    example: str


@dataclass(frozen=True)
class PhoneFacts:
    """How many phones had no country code and got the region's."""

    local: int
    total: int
    region: str
    calling_code: str


def _of(field: Field, column: str | None) -> str:
    return f"{field.label} ('{column}')" if column and column != field.label else field.label


def _date_decisions(field: Field, column: str | None, facts: DateFacts) -> list[Decision]:
    out: list[Decision] = []
    label = _of(field, column)
    if facts.date_format is not None:
        out.append(
            Decision(
                Kind.DATE_ORDER,
                f"Date format of {label}",
                f"read as {facts.date_format}",
                "The mapping gives the format for this field.",
                True,
                'in a mapping file, "date_format" for the field (remove it to let Rowboat read '
                "the dates)",
                field.key,
                facts.date_format,
            )
        )
        return out
    v, choice = facts.votes, facts.choice
    if choice is not None and v.shaped:
        dates = f"{v.shaped:,} {'date' if v.shaped == 1 else 'dates'}"
        if choice.basis == "given":
            evidence = "You chose it."
        elif choice.basis == "data" and choice.order is DateOrder.DMY:
            evidence = (
                f"{v.first_big:,} of {dates} have a first number above 12, so day comes first."
            )
        elif choice.basis == "data":
            evidence = (
                f"{v.second_big:,} of {dates} have a second number above 12, so month comes first."
            )
        elif choice.basis == "mixed":
            evidence = (
                f"{v.first_big:,} of {dates} read only day-first and {v.second_big:,} only "
                f"month-first; the larger share decides, and the others are reported."
            )
        else:
            both = "its date has" if v.shaped == 1 else f"all {v.shaped:,} have"
            evidence = (
                f"No date settles it ({both} both numbers 12 or below); "
                f"{choice.detail or choice.reason}, so that order is the likelier one."
            )
        if facts.other_order and choice.basis != "mixed":
            evidence += (
                f" {facts.other_order:,} {'date is' if facts.other_order == 1 else 'dates are'} "
                "a date only in the other order and reported."
            )
        out.append(
            Decision(
                Kind.DATE_ORDER,
                f"Date order of {label}",
                choice.order.words,
                evidence,
                choice.settled,
                _DATE_ORDER_OVERRIDE,
                field.key,
                choice.order.value,
            )
        )
    if facts.serials:
        are = "value is a number" if facts.serials == 1 else "values are numbers"
        numbers = f"{facts.serials:,} {are}"
        evidence = (
            f"{numbers} of five digits (such as '{facts.serial_example}'), which is how Excel "
            "stores a date "
            "whose cell is not formatted as one."
        )
        out.append(
            Decision(
                Kind.SERIAL_DATES,
                f"Excel date numbers in {label}",
                "read as dates" if facts.serials_read else "not read as dates",
                evidence if facts.serials_read else evidence + " You turned reading them off.",
                not facts.serials_read,
                _SERIAL_OVERRIDE,
                field.key,
                "yes" if facts.serials_read else "no",
            )
        )
    return out


def _number_decision(field: Field, column: str | None, facts: NumberFacts) -> Decision:
    values = f"{facts.comma_only:,} of {facts.total:,} values"
    if facts.given:
        evidence = "You chose it."
    elif facts.decimal_comma:
        evidence = (
            f"{values} have a comma and no value has a dot (such as '{facts.example}'), so the "
            "comma is the decimal sign."
        )
    else:
        evidence = (
            f"{values} have a comma only (such as '{facts.example}'), and others have a dot, so "
            "the dot is the decimal sign and a comma separates thousands."
        )
    return Decision(
        Kind.DECIMAL_COMMA,
        f"Decimal sign of {_of(field, column)}",
        "comma (149,50 is 149.50)" if facts.decimal_comma else "dot (1,500 is 1500)",
        evidence,
        facts.given or not facts.decimal_comma,
        _DECIMAL_OVERRIDE,
        field.key,
        "yes" if facts.decimal_comma else "no",
    )


def region_decision(facts: list[PhoneFacts], options: ValidationOptions) -> Decision | None:
    """The region local phone numbers are read in, when any phone needed it."""
    local = sum(f.local for f in facts)
    if not local:
        return None
    total = sum(f.total for f in facts)
    code = facts[0].calling_code
    source = {
        "given": "you chose the region",
        "locale": "it is your computer's region",
    }.get(options.region_source, "no region was given, and US is the default")
    return Decision(
        Kind.REGION,
        "Region for phones without a country code",
        f"{options.default_region.upper()} (+{code})" if code else options.default_region.upper(),
        f"{local:,} of {total:,} phone numbers have no country code (+…); they are read as "
        f"{options.default_region.upper()} numbers because {source}.",
        options.region_source == "given",
        "--region CC (such as DE or FR); in the desktop app, the region beside this decision",
        None,
        options.default_region.upper(),
    )


def name_decision(
    source: FieldSource, field: Field, facts: NameFacts, order_given: bool
) -> Decision:
    """How a full-name column was split, for the field that takes one part of it."""
    part = "first name" if source.split_name is NamePart.FIRST else "last name"
    column = source.columns[0]
    bits = []
    if facts.comma:
        bits.append(f"{facts.comma:,} written 'Last, First'")
    if facts.titles:
        bits.append(f"{facts.titles:,} with a title (Dr., Herr, Mme, Sra.) left out")
    if facts.suffixes:
        bits.append(f"{facts.suffixes:,} with a suffix (Jr., MBA, PhD) left out")
    if facts.long:
        bits.append(f"{facts.long:,} of three or more words, split before the surname")
    names = f"{facts.total:,} {'name' if facts.total == 1 else 'names'}"
    evidence = f"Of {names}: {'; '.join(bits)}." if bits else f"All {names} are 'First Last'."
    evidence += " Split by nameparser, with surname particles (van, de, da) kept in the surname."
    order = source.name_order.value if source.name_order is not None else "first last"
    return Decision(
        Kind.NAME_SPLIT,
        f"{field.label} from '{column}'",
        f"the {part} of each name ({order}, or 'Last, First' where a comma says so)",
        evidence,
        order_given or not (facts.long or facts.titles or facts.suffixes),
        _NAME_OVERRIDE,
        field.key,
        order,
    )


def _transform_decision(field: Field, source: FieldSource) -> Decision | None:
    """Which transform a field got, when it got more than its column's value, trimmed."""
    steps: list[str] = []
    if source.constant is not None:
        steps.append(f"always '{source.constant}'")
    elif len(source.columns) > 1:
        steps.append(
            f"joins {', '.join(repr(c) for c in source.columns)} with {source.separator!r}"
        )
    if not source.trim:
        steps.append("spaces kept as typed")
    if source.case is not Case.KEEP:
        steps.append(f"{source.case.value} case")
    if not steps:
        return None
    by = {
        MatchMethod.MANUAL: ("You (or the mapping file) chose it.", True),
        MatchMethod.PROFILE: ("The mapping remembered for these columns says so.", True),
    }.get(source.method, ("Rowboat chose it when matching the columns.", False))
    return Decision(
        Kind.TRANSFORM,
        f"Transform of {field.label}",
        "; ".join(steps),
        by[0],
        by[1],
        'in a mapping file, "case", "trim", "columns" or "constant" for the field; on the Map '
        "step, the field's Transform",
        field.key,
    )


def field_decisions(
    field: Field, source: FieldSource, column: str | None, facts: object
) -> list[Decision]:
    """The decisions made for one mapped field while its column was checked."""
    out: list[Decision] = []
    if isinstance(facts, DateFacts) and field.type in (FieldType.DATE, FieldType.DATETIME):
        out.extend(_date_decisions(field, column, facts))
    elif isinstance(facts, NumberFacts):
        out.append(_number_decision(field, column, facts))
    transform = _transform_decision(field, source)
    if transform is not None:
        out.append(transform)
    return out
