"""Per-type checks, vectorised over a column of non-empty values: normalised value or a problem."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from rowboat.core.targets.schema import FieldType
from rowboat.core.validation.countries import country_code, fold

if TYPE_CHECKING:
    from collections.abc import Callable

    from rowboat.core.targets.schema import Field

__all__ = ["Checked", "Options", "check_values"]


@dataclass(frozen=True)
class Options:
    default_region: str
    decimal_comma: bool | None
    day_first: bool | None
    date_format: str | None


@dataclass
class Checked:
    """Aligned with the input: the normalised value ("" where bad), a code and message where bad."""

    value: pd.Series
    code: pd.Series
    message: pd.Series


def _result(values: pd.Series) -> Checked:
    empty = pd.Series("", index=values.index, dtype=object)
    return Checked(values.astype(object).copy(), empty.copy(), empty.copy())


def _flag(out: Checked, mask: pd.Series, code: str, message: pd.Series | str) -> None:
    """Mark the rows in `mask` that have no problem yet."""
    mask = mask & (out.code == "")
    if not bool(mask.any()):
        return
    out.code[mask] = code
    out.message[mask] = message[mask] if isinstance(message, pd.Series) else message
    out.value[mask] = ""


def _looked_up(out: Checked, found: pd.Series, code: str, message: pd.Series) -> Checked:
    """Finish a check by lookup: values not found are problems, found ones are the normal form."""
    _flag(out, found.isna(), code, message)
    ok = out.code == ""
    out.value[ok] = found[ok]
    return out


def _q(values: pd.Series) -> pd.Series:
    return "'" + values.astype(str) + "'"


_EMAIL = (
    # Letters of any script are allowed before the @ (RFC 6531), as real attendee lists need.
    r"^[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"
    r"@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,}$"
)


def _email(v: pd.Series, f: Field, o: Options) -> Checked:
    out = _result(v)
    bad = ~v.str.fullmatch(_EMAIL)
    # Say what is wrong only for the few values that failed the shape check: it is the slow part.
    b = v[bad]
    q = _q(b)

    def on_bad(mask: pd.Series) -> pd.Series:
        return mask.reindex(v.index, fill_value=False).astype(bool)

    at = b.str.count("@")
    domain = b.str.split("@").str[-1]
    problems = [
        (at == 0, "email.no_at", q + " has no @; an email looks like name@example.com."),
        (at > 1, "email.two_at", q + " has more than one @."),
        (b.str.contains(r"\s"), "email.space", q + " contains a space."),
        (b.str.endswith("@"), "email.no_domain", q + " is missing the part after the @."),
        (b.str.startswith("@"), "email.no_name", q + " is missing the part before the @."),
        (b.str.contains("..", regex=False), "email.double_dot", q + " has two dots in a row."),
        (
            ~domain.str.contains(".", regex=False),
            "email.no_tld",
            q + " is missing the ending of the address, such as .com or .de.",
        ),
        (b.str.len() >= 0, "email.invalid", q + " is not a complete email address."),
    ]
    for mask, code, message in problems:
        _flag(out, on_bad(mask), code, message.reindex(v.index, fill_value=""))
    ok = out.code == ""
    parts = v[ok].str.rsplit("@", n=1)
    out.value[ok] = parts.str[0] + "@" + parts.str[1].str.lower()
    return out


def _phone(v: pd.Series, f: Field, o: Options) -> Checked:
    import phonenumbers

    out = _result(v)
    q = _q(v)
    _flag(
        out,
        v.str.contains(r"[A-Za-z]") & ~v.str.contains(r"(?i)\b(?:ext|x)\.?\s*\d+$"),
        "phone.letters",
        q + " is not a phone number (it contains letters).",
    )
    digits = v.str.replace(r"(?i)\s*(?:ext|x)\.?\s*\d+$", "", regex=True).str.replace(
        r"\D", "", regex=True
    )
    plus = v.str.lstrip().str.startswith("+")
    cc = str(phonenumbers.country_code_for_region(o.default_region.upper()) or "")
    e164 = pd.Series(np.where(plus, "+" + digits, ""), index=v.index, dtype=object)
    intl = ~plus & digits.str.startswith("00")
    e164[intl] = "+" + digits[intl].str[2:]
    trunk = ~plus & ~intl & digits.str.startswith("0")
    e164[trunk] = "+" + cc + digits[trunk].str[1:]
    # A number typed into Excel loses its "+"; eleven or more digits already carry a country code.
    bare = ~plus & ~intl & ~trunk
    long = bare & (digits.str.len() >= 11)
    e164[long] = "+" + digits[long]
    e164[bare & ~long] = "+" + cc + digits[bare & ~long]
    n = e164.str.len() - 1
    _flag(out, n < 8, "phone.too_short", q + " has too few digits for a phone number.")
    _flag(out, n > 15, "phone.too_long", q + " has too many digits for a phone number.")
    ok = out.code == ""
    out.value[ok] = e164[ok]
    return out


_MONTHS = {
    "januar": 1,
    "janvier": 1,
    "enero": 1,
    "janeiro": 1,
    "februar": 2,
    "fevrier": 2,
    "febrero": 2,
    "fevereiro": 2,
    "marz": 3,
    "mars": 3,
    "marzo": 3,
    "marco": 3,
    "april": 4,
    "avril": 4,
    "abril": 4,
    "mai": 5,
    "mayo": 5,
    "maio": 5,
    "juni": 6,
    "juin": 6,
    "junio": 6,
    "junho": 6,
    "juli": 7,
    "juillet": 7,
    "julio": 7,
    "julho": 7,
    "august": 8,
    "aout": 8,
    "agosto": 8,
    "september": 9,
    "septembre": 9,
    "septiembre": 9,
    "setembro": 9,
    "oktober": 10,
    "octobre": 10,
    "octubre": 10,
    "outubro": 10,
    "november": 11,
    "novembre": 11,
    "noviembre": 11,
    "novembro": 11,
    "dezember": 12,
    "decembre": 12,
    "diciembre": 12,
    "dezembro": 12,
}


def parse_dates(v: pd.Series, o: Options) -> pd.Series:
    """Datetime64 for every value that reads as a date (with or without a time), NaT otherwise."""
    out = pd.Series(pd.NaT, index=v.index, dtype="datetime64[ns]")
    if o.date_format:
        return pd.to_datetime(v, format=o.date_format, errors="coerce")
    iso = pd.to_datetime(
        v.where(v.str.match(r"^\d{4}-\d{2}-\d{2}")), format="ISO8601", errors="coerce", utc=True
    )
    out = out.fillna(iso.dt.tz_localize(None))
    rest = out.isna() & v.str.match(r"^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
    if bool(rest.any()):
        parts = v[rest].str.extract(r"^(\d{1,2})([./-])(\d{1,2})[./-](\d{2,4})(.*)$")
        a, b = parts[0].astype(int), parts[2].astype(int)
        day_first = o.day_first
        if day_first is None:
            day_first = bool((a > 12).any()) or not (
                bool((b > 12).any())
                or (o.default_region.upper() == "US" and (parts[1] == "/").all())
            )
        day, month = (a, b) if day_first else (b, a)
        year = parts[3].astype(int)
        year = year.where(year >= 100, year + 2000)
        text = year.astype(str) + "-" + month.astype(str) + "-" + day.astype(str) + parts[4]
        out[rest] = pd.to_datetime(text, format="mixed", errors="coerce")
    serial = out.isna() & v.str.fullmatch(r"\d{5}(?:\.\d+)?")
    if bool(serial.any()):  # an Excel serial number that reached us as text
        out[serial] = pd.to_datetime(v[serial].astype(float), unit="D", origin="1899-12-30")
    named = out.isna() & v.str.contains(r"[^\W\d_]")
    if bool(named.any()):
        words = v[named].map(fold).str.replace(".", " ", regex=False)
        for name, number in _MONTHS.items():
            words = words.str.replace(rf"\b{name}\b", f" {number:02d} ", regex=True)
        out[named] = pd.to_datetime(
            words.str.replace(r"\s+", " ", regex=True).str.strip(),
            format="mixed",
            dayfirst=True,
            errors="coerce",
        )
    return out


def _date(v: pd.Series, f: Field, o: Options) -> Checked:
    out = _result(v)
    parsed = parse_dates(v, o)
    _flag(out, parsed.isna(), "date.invalid", _q(v) + " is not a date. Use a date like 2026-03-14.")
    ok = out.code == ""
    out.value[ok] = parsed[ok].dt.strftime("%Y-%m-%d")
    return out


_OFFSET = r"(Z|[+-]\d{2}:?\d{2})$"


def _datetime(v: pd.Series, f: Field, o: Options) -> Checked:
    out = _result(v)
    offset = v.str.extract(_OFFSET)[0].fillna("")
    bare = v.str.replace(_OFFSET, "", regex=True).str.strip()
    parsed = parse_dates(bare, o)
    _flag(
        out,
        parsed.isna(),
        "datetime.invalid",
        _q(v) + " is not a date and time. Use one like 2026-03-14 09:30.",
    )
    _flag(
        out,
        ~bare.str.contains(r"\d:\d\d"),
        "datetime.no_time",
        _q(v) + " has no time of day. Add one, like 2026-03-14 09:30.",
    )
    ok = out.code == ""
    offset = offset.str.replace(r"^([+-]\d{2})(\d{2})$", r"\1:\2", regex=True)
    out.value[ok] = parsed[ok].dt.strftime("%Y-%m-%dT%H:%M:%S") + offset[ok]
    return out


@cache
def _zone_names() -> tuple[dict[str, str], dict[str, str]]:
    """IANA names by folded name, and by city ("berlin" -> Europe/Berlin); read once."""
    from zoneinfo import available_timezones

    names = {n.casefold(): n for n in available_timezones()}
    cities = {n.rsplit("/", 1)[-1].replace("_", " ").casefold(): n for n in names.values()}
    return names, cities


def _timezone(v: pd.Series, f: Field, o: Options) -> Checked:
    names, cities = _zone_names()
    out = _result(v)
    found = v.str.strip().str.casefold().map(names)
    hint = v.str.strip().str.casefold().map(cities)
    suggest = hint.notna() & found.isna()
    _flag(
        out,
        suggest,
        "timezone.city",
        _q(v) + " is a city; write the time zone, like " + hint.fillna("") + ".",
    )
    message = _q(v) + " is not a time zone name. Use one like Europe/Berlin."
    return _looked_up(out, found, "timezone.unknown", message)


def _url(v: pd.Series, f: Field, o: Options) -> Checked:
    out = _result(v)
    fixed = v.where(v.str.match(r"(?i)^https?://"), "https://" + v)
    _flag(
        out,
        ~fixed.str.fullmatch(r"(?i)https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?"),
        "url.invalid",
        _q(v) + " is not a web address. Use one like https://example.com.",
    )
    ok = out.code == ""
    out.value[ok] = fixed[ok]
    return out


def _numbers(v: pd.Series, o: Options) -> pd.Series:
    s = v.str.replace(r"[\s\u00a0\u202f']", "", regex=True)
    both = s.str.contains(",", regex=False) & s.str.contains(".", regex=False)
    comma_last = s.str.rfind(",") > s.str.rfind(".")
    comma_decimal = o.decimal_comma
    if comma_decimal is None:  # the file's own habit: commas and no dots means decimal commas
        comma_decimal = not bool(s.str.contains(".", regex=False).any())
    only_comma = ~both & s.str.contains(",", regex=False)
    s = s.where(~(both & comma_last), s.str.replace(".", "", regex=False).str.replace(",", "."))
    s = s.where(~(both & ~comma_last), s.str.replace(",", "", regex=False))
    if comma_decimal:
        s = s.where(~only_comma, s.str.replace(",", ".", regex=False))
    else:
        s = s.where(~only_comma, s.str.replace(",", "", regex=False))
    return pd.to_numeric(s.where(s.str.fullmatch(r"[+-]?(?:\d+\.?\d*|\.\d+)")), errors="coerce")


def _limits(out: Checked, v: pd.Series, numbers: pd.Series, f: Field) -> None:
    if f.minimum is not None:
        _flag(
            out,
            numbers < f.minimum,
            "number.too_small",
            _q(v) + f" is below {f.minimum:g}, the smallest {f.label} allowed.",
        )
    if f.maximum is not None:
        _flag(
            out,
            numbers > f.maximum,
            "number.too_large",
            _q(v) + f" is above {f.maximum:g}, the largest {f.label} allowed.",
        )


def _integer(v: pd.Series, f: Field, o: Options) -> Checked:
    out = _result(v)
    numbers = _numbers(v, o)
    _flag(
        out,
        numbers.isna() | (numbers % 1 != 0),
        "integer.invalid",
        _q(v) + " is not a whole number.",
    )
    _limits(out, v, numbers, f)
    ok = out.code == ""
    out.value[ok] = numbers[ok].astype("int64").astype(str)
    return out


def _decimal(v: pd.Series, f: Field, o: Options) -> Checked:
    out = _result(v)
    numbers = _numbers(v, o)
    _flag(out, numbers.isna(), "decimal.invalid", _q(v) + " is not a number. Use one like 149.50.")
    _limits(out, v, numbers, f)
    ok = out.code == ""
    out.value[ok] = numbers[ok].map(lambda x: f"{x:.15g}")
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


def _boolean(v: pd.Series, f: Field, o: Options) -> Checked:
    out = _result(v)
    key = v.str.strip().str.casefold()
    _flag(out, ~key.isin(_TRUE | _FALSE), "boolean.invalid", _q(v) + " is not yes or no.")
    ok = out.code == ""
    out.value[ok] = np.where(key[ok].isin(_TRUE), "true", "false")
    return out


def _enum(v: pd.Series, f: Field, o: Options) -> Checked:
    out = _result(v)
    choices = {c.casefold(): c for c in f.choices}
    found = v.str.strip().str.casefold().map(choices)
    allowed = ", ".join(f.choices)
    message = _q(v) + f" is not allowed here. Use one of: {allowed}."
    return _looked_up(out, found, "enum.unknown", message)


def _country(v: pd.Series, f: Field, o: Options) -> Checked:
    out = _result(v)
    uniques = pd.unique(v)
    codes = v.map(dict(zip(uniques, (country_code(u) for u in uniques), strict=True)))
    message = _q(v) + " is not a country Rowboat knows. Use a name like Germany or a code like DE."
    return _looked_up(out, codes, "country.unknown", message)


def _text(v: pd.Series, f: Field, o: Options) -> Checked:
    out = _result(v)
    n = v.str.len()
    if f.max_length is not None:
        long_message = (
            _q(v.str.slice(0, 40))
            + " is "
            + n.astype(str)
            + f" characters long; {f.label} takes at most {f.max_length}."
        )
        _flag(out, n > f.max_length, "text.too_long", long_message)
    if f.min_length is not None:
        _flag(
            out,
            n < f.min_length,
            "text.too_short",
            _q(v) + f" is too short; {f.label} needs at least {f.min_length} characters.",
        )
    return out


_CHECKS: dict[FieldType, Callable[[pd.Series, Field, Options], Checked]] = {
    FieldType.TEXT: _text,
    FieldType.EMAIL: _email,
    FieldType.PHONE: _phone,
    FieldType.DATE: _date,
    FieldType.DATETIME: _datetime,
    FieldType.TIMEZONE: _timezone,
    FieldType.URL: _url,
    FieldType.INTEGER: _integer,
    FieldType.DECIMAL: _decimal,
    FieldType.BOOLEAN: _boolean,
    FieldType.ENUM: _enum,
    FieldType.COUNTRY: _country,
}


def check_values(values: pd.Series, field: Field, options: Options) -> Checked:
    """Check non-empty values of one field; a list field checks each of its parts."""
    check = _CHECKS[field.type]
    if not field.multiple:
        out = check(values, field, options)
        if field.type is not FieldType.TEXT and field.max_length is not None:
            _flag(
                out,
                values.str.len() > field.max_length,
                "text.too_long",
                _q(values.str.slice(0, 40)) + f" is longer than {field.max_length} characters.",
            )
        return out
    parts = values.str.split(r"\s*[,;]\s*").explode()
    parts = parts[parts.str.len() > 0]
    checked = check(parts, field, options)
    out = _result(values)
    first_bad = checked.code[checked.code != ""].groupby(level=0).first()
    first_msg = checked.message[checked.code != ""].groupby(level=0).first()
    bad = pd.Series(values.index.isin(first_bad.index), index=values.index)
    _flag(out, bad, "list.item", first_msg.reindex(values.index).fillna(""))
    out.code[bad] = first_bad.reindex(values.index)[bad]
    joined = checked.value.groupby(level=0).agg(";".join)
    ok = out.code == ""
    out.value[ok] = joined.reindex(values.index)[ok].fillna("")
    return out
