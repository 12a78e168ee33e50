"""Eloqua data posts: cut by measured JSON size and row count, grown rather than split over a
second sync, refused in plain words when even that cannot hold them."""

from __future__ import annotations

import json

import pytest

from rowboat.core.errors import ConfigurationError
from rowboat.core.submit.eloqua_posts import pack, wire_record


def _records(n: int, text: str = "x") -> list[dict[str, object]]:
    return [{"emailAddress": f"p{i}@example.com", "note": text} for i in range(n)]


def test_each_post_is_the_exact_json_of_its_records_and_names_its_rows() -> None:
    records = _records(5, "Müller")
    posts = pack(records, [2, 3, 5, 6, 9], rows_per_post=2)
    assert [p.rows for p in posts] == [(2, 3), (5, 6), (9,)]
    assert [p.label for p in posts] == ["rows 2–3", "rows 5–6", "rows 9–9"]
    assert json.loads(posts[1].payload) == records[2:4]
    assert "Müller".encode() in posts[0].payload  # UTF-8, not \\u escapes
    assert {p.content_type for p in posts} == {"application/json"}


def test_posts_are_cut_by_their_measured_size_not_by_the_row_count_alone() -> None:
    records = _records(10, "y" * 900)
    posts = pack(records, list(range(10)), rows_per_post=1000, max_bytes=3000)
    assert all(len(p.payload) <= 3000 for p in posts)
    assert sum(len(p.rows) for p in posts) == 10
    assert len(posts) == 4  # three records of about 940 bytes fit in 3000


def test_rows_needing_more_posts_than_a_plan_allows_make_bigger_posts() -> None:
    posts = pack(_records(1000), list(range(1000)), rows_per_post=2, max_posts=10)
    assert len(posts) == 10
    assert {len(p.rows) for p in posts} == {100}


def test_rows_too_large_for_one_sync_are_refused_with_a_way_out() -> None:
    with pytest.raises(ConfigurationError) as caught:
        pack(_records(100, "z" * 500), list(range(100)), rows_per_post=10, max_bytes=2000,
             max_posts=5)  # fmt: skip
    assert "more than Eloqua takes in one import" in caught.value.message
    assert caught.value.hint.startswith("Split the file into parts of about")


def test_a_single_row_larger_than_a_post_is_named() -> None:
    big: dict[str, object] = {"emailAddress": "big@example.com", "note": "w" * 5000}
    records = [*_records(2), big]
    with pytest.raises(ConfigurationError, match="Row 9 holds more data"):
        pack(records, [2, 3, 9], rows_per_post=10, max_bytes=4000)


def test_values_go_as_eloqua_takes_them() -> None:
    assert wire_record(
        {"guests": 2.0, "share": 0.5, "on": True, "tags": ["a", "b"], "n": 3, "big": 1e300}
    ) == {"guests": 2, "share": 0.5, "on": True, "tags": "a; b", "n": 3, "big": 1e300}
