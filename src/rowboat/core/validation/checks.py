"""Per-type checks over a column of filled values: the normalised value, or a problem in words.

Each check runs Arrow kernels over the whole column and looks at single values in Python only
where they failed (to say what is wrong) or where a column has few distinct values (lookups).
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rowboat.core.arrow_text import mask_array, patch, scalar
from rowboat.core.targets.schema import FieldType
from rowboat.core.validation.countries import calling_code, country_code
from rowboat.core.validation.date_checks import check_date, check_datetime
from rowboat.core.validation.facts import NumberFacts, PhoneFacts
from rowboat.core.validation.findings import Checked, Options, Positions, quote

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy.typing as npt

    from rowboat.core.targets.schema import Field

__all__ = ["Checked", "Options", "check_values"]


def _join(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of arrays and constant texts."""
    args = [scalar(p) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*args, scalar(""))


def _map_distinct(values: pa.Array, lookup: Callable[[str], str | None]) -> pa.Array:
    """`lookup` applied once per distinct value (columns of countries or yes/no repeat a lot);
    null where it answers None."""
    encoded = values.dictionary_encode()
    answers = [lookup(v) for v in encoded.dictionary.to_pylist()]
    return pa.array(answers, type=pa.large_string()).take(encoded.indices)


def _matches(values: pa.Array, pattern: str) -> npt.NDArray[np.bool_]:
    return mask_array(pc.match_substring_regex(values, pattern))


# Letters of any script are allowed before the @ (RFC 6531), as real attendee lists need. The
# Arrow kernel (RE2) runs the ASCII form: its Unicode classes cost thirty times as much, so the
# few addresses with other letters go through Python's re instead.
_EMAIL = re.compile(
    r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"
    r"@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,}"
)
_ATOM = r"[A-Za-z0-9_!#$%&'*+/=?^`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?"
_EMAIL_ASCII = rf"^{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z]{{2,}}$"


def _email_problem(value: str) -> tuple[str, str]:
    q = quote(value)
    domain = value.rsplit("@", 1)[-1]
    if "@" not in value:
        return "email.no_at", f"{q} has no @; an email looks like name@example.com."
    if value.count("@") > 1:
        return "email.two_at", f"{q} has more than one @."
    if re.search(r"\s", value):
        return "email.space", f"{q} contains a space."
    if value.endswith("@"):
        return "email.no_domain", f"{q} is missing the part after the @."
    if value.startswith("@"):
        return "email.no_name", f"{q} is missing the part before the @."
    if ".." in value:
        return "email.double_dot", f"{q} has two dots in a row."
    if "." not in domain:
        return "email.no_tld", f"{q} is missing the ending of the address, such as .com or .de."
    return "email.invalid", f"{q} is not a complete email address."


def _email(v: pa.Array, f: Field, o: Options) -> Checked:
    out = Checked(v)
    ok = _matches(v, _EMAIL_ASCII).copy()
    other = np.flatnonzero(~ok & ~mask_array(pc.string_is_ascii(v)))
    if len(other):
        ok[other] = [_EMAIL.fullmatch(s) is not None for s in out.at(other)]
    bad = np.flatnonzero(~ok)
    out.flag_each(bad, [_email_problem(s) for s in out.at(bad)])
    # The domain is written in lower case; the part before the @ is the owner's to spell.
    upper_domain = pc.and_(pa.array(ok), pc.not_equal(pc.utf8_lower(v), v))

    def lower_domain(rows: pa.Array) -> pa.Array:
        parts = pc.split_pattern(rows, "@", max_splits=1, reverse=True)
        return _join(pc.list_element(parts, 0), "@", pc.utf8_lower(pc.list_element(parts, 1)))

    out.value = patch(v, upper_domain, lower_domain)
    return out


_EXTENSION = r"(?i)\s*(?:ext|x)\.?\s*\d+$"


def _phone(v: pa.Array, f: Field, o: Options) -> Checked:
    out = Checked(v)
    digits = v
    letters = pc.match_substring_regex(v, "[A-Za-z]")
    if pc.any(letters).as_py():  # an extension ("ext. 12", "x12") is the only place for letters
        extension = pc.match_substring_regex(v, _EXTENSION)
        out.flag(
            pc.and_(letters, pc.invert(pc.match_substring_regex(v, r"(?i)\b(?:ext|x)\.?\s*\d+$"))),
            "phone.letters",
            "{q} is not a phone number (it contains letters).",
        )
        digits = patch(v, extension, lambda rows: pc.replace_substring_regex(rows, _EXTENSION, ""))
    # Numbers typed into Excel arrive as bare digits: only the others need their digits picked.
    digits = patch(
        digits,
        pc.invert(pc.ascii_is_decimal(digits)),
        lambda rows: pc.replace_substring_regex(rows, r"\D", ""),
    )
    plus = mask_array(pc.starts_with(pc.utf8_ltrim_whitespace(v), "+"))
    intl = ~plus & mask_array(pc.starts_with(digits, "00"))
    trunk = ~plus & ~intl & mask_array(pc.starts_with(digits, "0"))
    # A number typed into Excel loses its "+"; eleven or more digits already carry a country code.
    long = ~plus & ~intl & ~trunk & (np.asarray(pc.utf8_length(digits)) >= 11)
    cc = calling_code(o.default_region)
    e164 = pc.if_else(
        pa.array(plus | long),
        _join("+", digits),
        pc.if_else(
            pa.array(intl),
            _join("+", pc.utf8_slice_codeunits(digits, 2)),
            _join("+", cc, pc.if_else(pa.array(trunk), pc.utf8_slice_codeunits(digits, 1), digits)),
        ),
    )
    n = np.asarray(pc.utf8_length(e164)) - 1
    local = ~plus & ~intl & ~long
    out.facts = PhoneFacts(int(local.sum()), len(v), o.default_region.upper(), cc)
    out.flag(n < 8, "phone.too_short", "{q} has too few digits for a phone number.")
    out.flag(n > 15, "phone.too_long", "{q} has too many digits for a phone number.")
    out.value = e164
    return out


@cache
def _zone_names() -> tuple[dict[str, str], dict[str, str]]:
    """IANA names by folded name, and by city ("berlin" -> Europe/Berlin); read once."""
    from zoneinfo import available_timezones

    names = {n.casefold(): n for n in available_timezones()}
    cities = {n.rsplit("/", 1)[-1].replace("_", " ").casefold(): n for n in names.values()}
    return names, cities


def _timezone(v: pa.Array, f: Field, o: Options) -> Checked:
    names, cities = _zone_names()
    out = Checked(v)
    found = _map_distinct(v, lambda s: names.get(s.strip().casefold()))
    hint = _map_distinct(v, lambda s: cities.get(s.strip().casefold()))
    suggest = pc.and_(pc.is_valid(hint), pc.is_null(found))
    hints = hint.to_pylist()

    def city_message(positions: Positions) -> list[str]:
        return [
            f"{quote(s)} is a city; write the time zone, like {hints[p]}."
            for p, s in zip(positions.tolist(), out.at(positions), strict=True)
        ]

    out.flag(suggest, "timezone.city", city_message)
    return out.looked_up(
        found, "timezone.unknown", "{q} is not a time zone name. Use one like Europe/Berlin."
    )


def _url(v: pa.Array, f: Field, o: Options) -> Checked:
    out = Checked(v)
    fixed = pc.if_else(pc.match_substring_regex(v, r"(?i)^https?://"), v, _join("https://", v))
    out.flag(
        ~_matches(fixed, r"(?i)^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$"),
        "url.invalid",
        "{q} is not a web address. Use one like https://example.com.",
    )
    out.value = fixed
    return out


def _numbers(v: pa.Array, o: Options) -> tuple[npt.NDArray[np.float64], NumberFacts | None]:
    """The values as numbers (NaN where not a number), reading 1.234,50 and 1,234.50 alike, and
    how a comma alone was read (None when no value has one)."""
    if pc.all(pc.ascii_is_decimal(v)).as_py():  # plain digits, the usual case: nothing to read
        return np.asarray(pc.cast(v, pa.float64())), None
    s = pc.replace_substring_regex(v, "[\\s\u00a0\u202f']", "")
    comma = pc.match_substring(s, ",")
    dot = pc.match_substring(s, ".")
    both = pc.and_(comma, dot)
    # The separator written last is the decimal one: compare positions from the end.
    backwards = pc.utf8_reverse(s)
    comma_last = pc.less(pc.find_substring(backwards, ","), pc.find_substring(backwards, "."))
    comma_decimal = o.decimal_comma
    any_dot = bool(pc.any(dot).as_py())
    if comma_decimal is None:  # the file's own habit: commas and no dots means decimal commas
        comma_decimal = not any_dot
    only_comma = pc.and_(pc.invert(both), comma)
    comma_count = int(pc.sum(pc.cast(pc.fill_null(only_comma, False), pa.int64())).as_py() or 0)
    facts = None
    if comma_count:
        example = str(pc.filter(v, pc.fill_null(only_comma, False))[0].as_py())
        given = o.decimal_comma is not None
        facts = NumberFacts(comma_count, len(v), any_dot, bool(comma_decimal), given, example)
    european = pc.replace_substring(pc.replace_substring(s, ".", ""), ",", ".")
    s = pc.if_else(pc.and_(both, comma_last), european, s)
    s = pc.if_else(pc.and_(both, pc.invert(comma_last)), pc.replace_substring(s, ",", ""), s)
    s = pc.if_else(only_comma, pc.replace_substring(s, ",", "." if comma_decimal else ""), s)
    number = pc.match_substring_regex(s, r"^[+-]?(?:\d+\.?\d*|\.\d+)$")
    as_float = pc.cast(pc.if_else(number, s, scalar("0")), pa.float64())
    return np.where(mask_array(number), np.asarray(as_float), np.nan), facts


def _limits(out: Checked, numbers: npt.NDArray[np.float64], f: Field) -> None:
    with np.errstate(invalid="ignore"):
        if f.minimum is not None:
            out.flag(
                numbers < f.minimum,
                "number.too_small",
                f"{{q}} is below {f.minimum:g}, the smallest {f.label} allowed.",
            )
        if f.maximum is not None:
            out.flag(
                numbers > f.maximum,
                "number.too_large",
                f"{{q}} is above {f.maximum:g}, the largest {f.label} allowed.",
            )


def _integer(v: pa.Array, f: Field, o: Options) -> Checked:
    out = Checked(v)
    numbers, out.facts = _numbers(v, o)
    finite = np.where(np.isfinite(numbers), numbers, 0.5)  # 0.5: not whole, so flagged below
    whole = (np.mod(finite, 1) == 0) & (np.abs(finite) < 2**63)
    out.flag(~whole, "integer.invalid", "{q} is not a whole number.")
    _limits(out, numbers, f)
    integers = np.where(whole, finite, 0).astype(np.int64)
    out.value = pc.cast(pa.array(integers), pa.large_string())
    return out


def _decimal(v: pa.Array, f: Field, o: Options) -> Checked:
    out = Checked(v)
    numbers, out.facts = _numbers(v, o)
    out.flag(~np.isfinite(numbers), "decimal.invalid", "{q} is not a number. Use one like 149.50.")
    _limits(out, numbers, f)
    # Arrow writes the shortest text that reads back as the same number: 149.5, 100, 0.1.
    out.value = pc.cast(pa.array(np.nan_to_num(numbers)), pa.large_string())
    return out


_TRUE = {
    "yes",
    "y",
    "ja",
    "j",
    "oui",
    "si",
    "sí",
    "sim",
    "true",
    "wahr",
    "vrai",
    "1",
    "x",
    "✓",
    "✔",
}
_FALSE = {"no", "n", "nein", "non", "não", "nao", "false", "falsch", "faux", "0", "-"}


def _yes_no(value: str) -> str | None:
    key = value.strip().casefold()
    return "true" if key in _TRUE else "false" if key in _FALSE else None


def _boolean(v: pa.Array, f: Field, o: Options) -> Checked:
    return Checked(v).looked_up(
        _map_distinct(v, _yes_no), "boolean.invalid", "{q} is not yes or no."
    )


def _enum(v: pa.Array, f: Field, o: Options) -> Checked:
    choices = {c.casefold(): c for c in f.choices}
    found = _map_distinct(v, lambda s: choices.get(s.strip().casefold()))
    message = f"{{q}} is not allowed here. Use one of: {', '.join(f.choices)}."
    return Checked(v).looked_up(found, "enum.unknown", message)


def _country(v: pa.Array, f: Field, o: Options) -> Checked:
    message = "{q} is not a country Rowboat knows. Use a name like Germany or a code like DE."
    return Checked(v).looked_up(_map_distinct(v, country_code), "country.unknown", message)


def _shortened(out: Checked, positions: Positions) -> list[str]:
    return [quote(s[:40]) for s in out.at(positions)]


def _text(v: pa.Array, f: Field, o: Options) -> Checked:
    out = Checked(v)
    n = np.asarray(pc.utf8_length(v))
    if f.max_length is not None:
        limit = f.max_length

        def too_long(positions: Positions) -> list[str]:
            return [
                f"{q} is {n[p]} characters long; {f.label} takes at most {limit}."
                for p, q in zip(positions.tolist(), _shortened(out, positions), strict=True)
            ]

        out.flag(n > limit, "text.too_long", too_long)
    if f.min_length is not None:
        out.flag(
            n < f.min_length,
            "text.too_short",
            f"{{q}} is too short; {f.label} needs at least {f.min_length} characters.",
        )
    return out


_CHECKS: dict[FieldType, Callable[[pa.Array, Field, Options], Checked]] = {
    FieldType.TEXT: _text,
    FieldType.EMAIL: _email,
    FieldType.PHONE: _phone,
    FieldType.DATE: check_date,
    FieldType.DATETIME: check_datetime,
    FieldType.TIMEZONE: _timezone,
    FieldType.URL: _url,
    FieldType.INTEGER: _integer,
    FieldType.DECIMAL: _decimal,
    FieldType.BOOLEAN: _boolean,
    FieldType.ENUM: _enum,
    FieldType.COUNTRY: _country,
}


def check_values(values: pa.Array, field: Field, options: Options) -> Checked:
    """Check the filled values of one field; a list field checks each of its parts."""
    check = _CHECKS[field.type]
    if field.multiple:
        return _check_list(values, field, options, check)
    out = check(values, field, options)
    if field.type is not FieldType.TEXT and field.max_length is not None:
        limit = field.max_length
        out.flag(
            np.asarray(pc.utf8_length(values)) > limit,
            "text.too_long",
            lambda positions: [
                f"{q} is longer than {limit} characters." for q in _shortened(out, positions)
            ],
        )
    out.value = out.value.cast(pa.large_string())
    return out


def _check_list(
    values: pa.Array,
    field: Field,
    options: Options,
    check: Callable[[pa.Array, Field, Options], Checked],
) -> Checked:
    """Each part of "a; b, c" checked on its own; a value's first bad part is its problem, and
    the good parts are joined with ";"."""
    lists = pc.split_pattern_regex(values, r"\s*[,;]\s*")
    parts = pc.list_flatten(lists)
    owners = np.asarray(pc.list_parent_indices(lists))
    keep = np.asarray(pc.utf8_length(parts)) > 0
    parts, owners = parts.filter(pa.array(keep)), owners[keep]
    checked = check(parts, field, options)
    out = Checked(values)
    out.facts = checked.facts
    problems: dict[int, tuple[int, str, str]] = {}  # owner -> (part, code, message)
    for positions, code, texts in checked.found:
        for part, message in zip(positions.tolist(), texts, strict=True):
            owner = int(owners[part])
            if owner not in problems or part < problems[owner][0]:
                problems[owner] = (part, code, message)
    if problems:
        owners_bad = np.fromiter(problems, dtype=np.int64)
        out.flag_each(owners_bad, [(c, m) for _, c, m in problems.values()])
    grouped = (
        pa.table({"owner": owners, "part": checked.value.cast(pa.large_string())})
        .group_by("owner", use_threads=False)
        .aggregate([("part", "list")])
    )
    joined = pc.binary_join(grouped["part_list"], scalar(";"))
    value = np.full(len(values), "", dtype=object)
    value[np.asarray(grouped["owner"])] = joined.to_numpy(zero_copy_only=False)
    out.value = pa.array(value, type=pa.large_string())
    return out
