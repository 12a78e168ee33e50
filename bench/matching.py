"""`python -m bench.matching [--misses]`: matching's precision and recall on the header corpus.

Each header of tests/data/headers/corpus.csv is matched alone (one header per file, so nothing
competes), as a new user's file would be. Recall: of the headers that name a field, the share
matched to it. Precision: of the headers matched to anything, the share matched right. A header
that names no field and is matched anyway is a wrong match; there must be none.
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rowboat.core.mapping import match_columns
from rowboat.core.targets import get_endpoint

__all__ = ["CORPUS", "Row", "Score", "evaluate", "read_corpus"]

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "headers" / "corpus.csv"
NONE = "none"
SPLIT = "split"  # a full-name column fed to first and last name


@dataclass(frozen=True)
class Row:
    endpoint: str
    header: str
    expected: str  # a field key, NONE or SPLIT
    lang: str
    kind: str
    source: str


@dataclass(frozen=True)
class Result:
    row: Row
    got: str  # what matching made of the header: a field key, SPLIT or NONE


@dataclass(frozen=True)
class Score:
    """Precision and recall over some results, with the ones that went wrong."""

    results: tuple[Result, ...]

    @property
    def naming(self) -> list[Result]:
        return [r for r in self.results if r.row.expected != NONE]

    @property
    def matched(self) -> list[Result]:
        return [r for r in self.results if r.got != NONE]

    @property
    def right(self) -> list[Result]:
        return [r for r in self.naming if r.got == r.row.expected]

    @property
    def misses(self) -> list[Result]:
        return [r for r in self.naming if r.got != r.row.expected]

    @property
    def wrong_on_none(self) -> list[Result]:
        """Headers that name no field, matched anyway: the worst kind of mistake."""
        return [r for r in self.results if r.row.expected == NONE and r.got != NONE]

    @property
    def recall(self) -> float:
        return len(self.right) / len(self.naming) if self.naming else 1.0

    @property
    def precision(self) -> float:
        return len(self.right) / len(self.matched) if self.matched else 1.0


def read_corpus(path: Path = CORPUS) -> list[Row]:
    lines = [line for line in path.read_text("utf-8").splitlines() if not line.startswith("#")]
    return [Row(**record) for record in csv.DictReader(lines)]


def evaluate(rows: list[Row]) -> Score:
    results = []
    for row in rows:
        sources = match_columns([row.header], get_endpoint(row.endpoint)).sources
        if any(s.split_name is not None for s in sources):
            got = SPLIT
        else:
            got = sources[0].field if sources else NONE
        results.append(Result(row, got))
    return Score(tuple(results))


def _line(label: str, score: Score) -> str:
    return (
        f"{label:<16}{len(score.results):>6}{len(score.naming):>8}"
        f"{score.precision:>11.1%}{score.recall:>9.1%}{len(score.wrong_on_none):>7}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.matching")
    parser.add_argument("--misses", action="store_true", help="list every miss and wrong match")
    args = parser.parse_args()
    score = evaluate(read_corpus())
    print(f"{'':<16}{'headers':>6}{'naming':>8}{'precision':>11}{'recall':>9}{'wrong':>7}")
    print(_line("all", score))
    for attribute in ("kind", "lang"):
        groups: dict[str, list[Result]] = defaultdict(list)
        for r in score.results:
            groups[getattr(r.row, attribute)].append(r)
        print(f"by {attribute}:")
        for key in sorted(groups):
            print(_line(f"  {key}", Score(tuple(groups[key]))))
    if args.misses:
        for r in score.misses + score.wrong_on_none:
            print(f"{r.row.endpoint}: '{r.row.header}' expected {r.row.expected}, got {r.got}")
    return 0 if not score.wrong_on_none else 1


if __name__ == "__main__":
    raise SystemExit(main())
