"""The header corpus (tests/data/headers/corpus.csv): real export headers, matched one at a time."""

from __future__ import annotations

import re
from importlib import resources

from bench.matching import CORPUS, NONE, SPLIT, evaluate, read_corpus

from rowboat.core.targets import get_endpoint

ROWS = read_corpus()


def test_the_corpus_holds_300_real_headers_in_five_languages_each_with_its_source() -> None:
    assert len(ROWS) >= 300
    assert {r.lang for r in ROWS} >= {"en", "de", "fr", "es", "pt"}
    text = CORPUS.read_text("utf-8")
    sources = set(re.findall(r"^# ([\w-]+): ", text, flags=re.M))
    assert {r.source for r in ROWS} <= sources
    assert len({(r.endpoint, r.header) for r in ROWS}) == len(ROWS)


def test_every_expected_field_is_a_field_of_its_endpoint() -> None:
    for r in ROWS:
        if r.expected not in (NONE, SPLIT):
            assert r.expected in get_endpoint(r.endpoint).field_keys, r


def test_recall_is_at_least_98_percent_and_no_header_naming_no_field_is_mapped() -> None:
    score = evaluate(ROWS)
    assert score.wrong_on_none == []
    assert score.recall >= 0.98, [(m.row.header, m.got) for m in score.misses]
    assert score.precision >= 0.98


def test_the_issues_kinds_are_all_in_the_corpus() -> None:
    kinds = {r.kind for r in ROWS}
    assert kinds >= {"role", "qualifier", "alternatives", "legal-name", "number-marker"}


def test_the_vocabulary_ships_as_package_data() -> None:
    data = resources.files("rowboat.core.mapping").joinpath("data")
    assert {p.name for p in data.iterdir()} >= {"concepts.json", "header_words.json"}
