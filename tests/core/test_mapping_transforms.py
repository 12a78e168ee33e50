"""Applying a mapping: trim, case, name splitting, joins and constants, column by column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rowboat.core.errors import MappingError
from rowboat.core.mapping import Case, FieldSource, Mapping, NamePart, apply_mapping
from rowboat.core.table import SourceInfo, Table


def _table(**columns: list[str]) -> Table:
    frame = pd.DataFrame(columns)
    return Table(
        frame,
        np.arange(2, 2 + len(frame), dtype=np.int64),
        tuple(frame.columns),
        SourceInfo(path=Path("people.xlsx"), format="xlsx", header_row=1),
    )


def _apply(table: Table, *sources: FieldSource) -> pd.DataFrame:
    return apply_mapping(table, Mapping(endpoint_id="plandocket.contacts", sources=sources))


def test_result_has_one_str_column_per_field_and_the_tables_index() -> None:
    table = _table(Mail=["a@x.de", ""], City=["Berlin", "Köln"])
    out = _apply(
        table,
        FieldSource(field="email", columns=("Mail",)),
        FieldSource(field="city", columns=("City",)),
    )
    assert list(out.columns) == ["email", "city"]
    assert out.index.equals(table.frame.index)
    assert out["email"].tolist() == ["a@x.de", ""]
    assert all(out[c].dtype == "str" for c in out.columns)


def test_trim_strips_and_collapses_whitespace_of_every_kind() -> None:
    table = _table(N=["  Anna  ", "Jean\t\tPierre", "Zoë\u00a0 van  Dijk", "a\nb", "", "x"])
    out = _apply(table, FieldSource(field="first_name", columns=("N",)))
    assert out["first_name"].tolist() == ["Anna", "Jean Pierre", "Zoë van Dijk", "a b", "", "x"]


def test_trim_off_keeps_the_value_as_typed() -> None:
    out = _apply(
        _table(N=["  Anna  "]), FieldSource(field="first_name", columns=("N",), trim=False)
    )
    assert out["first_name"].tolist() == ["  Anna  "]


@pytest.mark.parametrize(
    ("case", "values", "expected"),
    [
        (Case.UPPER, ["de", "gb"], ["DE", "GB"]),
        (Case.LOWER, ["Anna@Example.DE"], ["anna@example.de"]),
        (Case.KEEP, ["mIxEd"], ["mIxEd"]),
        (
            Case.TITLE,
            ["o'brien", "MÜLLER-LÜDENSCHEIDT", "anna VAN DER berg", "jean's café", "d'angelo"],
            ["O'Brien", "Müller-Lüdenscheidt", "Anna van der Berg", "Jean's Café", "D'Angelo"],
        ),
    ],
)
def test_case_is_applied(case: Case, values: list[str], expected: list[str]) -> None:
    out = _apply(_table(V=values), FieldSource(field="x", columns=("V",), case=case))
    assert out["x"].tolist() == expected


def test_title_case_keeps_a_leading_particle_capitalised() -> None:
    out = _apply(_table(V=["van dijk"]), FieldSource(field="x", columns=("V",), case=Case.TITLE))
    assert out["x"].tolist() == ["Van Dijk"]


@pytest.mark.parametrize(
    ("full", "first", "last"),
    [
        ("Dubois, Chloé", "Chloé", "Dubois"),
        ("Chloé Dubois", "Chloé", "Dubois"),
        ("Jean Pierre Martin", "Jean Pierre", "Martin"),
        ("van der Berg, Anna", "Anna", "van der Berg"),
        ("Anna van der Berg", "Anna", "van der Berg"),
        ("José María de la Cruz", "José María", "de la Cruz"),
        ("Ludwig von Beethoven", "Ludwig", "von Beethoven"),
        ("Madonna", "Madonna", ""),
        ("  Chloé    Dubois ", "Chloé", "Dubois"),
        ("Dubois,Chloé", "Chloé", "Dubois"),
        ("De Smet", "De", "Smet"),
        ("", "", ""),
    ],
)
def test_full_name_is_split_into_first_and_last(full: str, first: str, last: str) -> None:
    out = _apply(
        _table(Name=[full]),
        FieldSource(field="first_name", columns=("Name",), split_name=NamePart.FIRST),
        FieldSource(field="last_name", columns=("Name",), split_name=NamePart.LAST),
    )
    assert (out["first_name"][0], out["last_name"][0]) == (first, last)


def test_split_name_then_title_case() -> None:
    out = _apply(
        _table(Name=["DUBOIS, CHLOÉ"]),
        FieldSource(
            field="last_name", columns=("Name",), split_name=NamePart.LAST, case=Case.TITLE
        ),
    )
    assert out["last_name"].tolist() == ["Dubois"]


def test_join_skips_empty_values() -> None:
    table = _table(A=["x", "", "y", ""], B=["1", "2", "", ""], C=["z", "", "", ""])
    out = _apply(table, FieldSource(field="notes", columns=("A", "B", "C"), separator="; "))
    assert out["notes"].tolist() == ["x; 1; z", "2", "y", ""]


def test_constant_fills_every_row() -> None:
    out = _apply(_table(A=["1", "2", "3"]), FieldSource(field="country", constant="DE"))
    assert out["country"].tolist() == ["DE", "DE", "DE"]


def test_constant_on_an_empty_table_gives_an_empty_column() -> None:
    out = _apply(_table(A=[]), FieldSource(field="country", constant="DE"))
    assert out["country"].tolist() == []


def test_one_column_can_feed_several_fields() -> None:
    table = _table(Mail=["A@X.DE"])
    out = _apply(
        table,
        FieldSource(field="email", columns=("Mail",), case=Case.LOWER),
        FieldSource(field="notes", columns=("Mail",)),
    )
    assert out.iloc[0].tolist() == ["a@x.de", "A@X.DE"]


def test_table_frame_is_not_changed() -> None:
    table = _table(N=["  anna  "])
    _apply(table, FieldSource(field="first_name", columns=("N",), case=Case.TITLE))
    assert table.frame["N"].tolist() == ["  anna  "]


def test_a_column_the_table_lacks_is_a_plain_error() -> None:
    with pytest.raises(MappingError) as caught:
        _apply(_table(A=["1"]), FieldSource(field="email", columns=("E-Mail",)))
    assert caught.value.message == "The mapping uses a column this file does not have: 'E-Mail'."
    assert caught.value.hint


def test_object_columns_and_missing_values_become_empty_strings() -> None:
    frame = pd.DataFrame({"A": pd.Series(["x", None, np.nan], dtype=object)})
    table = Table(frame, np.arange(3), ("A",), SourceInfo(Path("a.csv"), "csv", 1))
    out = _apply(table, FieldSource(field="notes", columns=("A",)))
    assert out["notes"].tolist() == ["x", "", ""]


def test_many_names_split_alike_in_every_form() -> None:
    # How fast this runs is measured by bench/, never asserted here.
    names = [
        "Chloé Dubois",
        "Dubois, Chloé",
        "Anna van der Berg",
        "Madonna",
        " Jean  Pierre Martin",
    ]
    table = _table(Name=names * 2_000)
    for part in NamePart:
        source = FieldSource(field="x", columns=("Name",), split_name=part, case=Case.TITLE)
        out = _apply(table, source)
        assert out["x"].tolist()[:5] * 2_000 == out["x"].tolist()
    assert out["x"].iloc[4] == "Martin"
