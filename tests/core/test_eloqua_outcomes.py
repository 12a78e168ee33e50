"""Eloqua sync results mapped to rows: recordIndex's base worked out from the fieldValues, posts
whose answer was lost, counts that say only how many, and readings that disagree."""

from __future__ import annotations

from typing import Any

import pytest

from rowboat.core.submit.eloqua_outcomes import (
    UNCLEAR,
    Post,
    Reject,
    SyncCounts,
    row_outcomes,
    wire_text,
)
from rowboat.core.submit.model import Outcome, RowOutcome

ID = "emailAddress"


def _post(seq: int, emails: list[str], rows: list[int], certain: bool = True) -> Post:
    records = [{ID: e, "firstName": e.split("@")[0].title()} for e in emails]
    return Post(seq, certain, records, rows)


def _reject(index: int, email: str, message: str, code: str = "ELQ-00002", **more: str) -> Reject:
    return Reject.from_json({
        "recordIndex": index, "fieldValues": {ID: email, **more},
        "message": message, "statusCode": code,
    })  # fmt: skip


def _outcomes(posts: list[Post], rejects: list[Reject], **counts: Any) -> dict[int, RowOutcome]:
    found = row_outcomes(posts, rejects, SyncCounts(**counts), ID)
    assert len({o.row for o in found}) == len(found)
    return {o.row: o for o in found}


POSTS = [
    _post(1, ["a@x.com", "b@x.com"], [2, 3]),
    _post(2, ["c@x.com", "d@x.com"], [5, 6]),
]


@pytest.mark.parametrize("base", [0, 1])
def test_the_base_of_record_index_is_read_from_the_field_values(base: int) -> None:
    # The third record overall is the first of the second post, whichever the base.
    rejects = [_reject(2 + base, "c@x.com", "Record rejected: 'c@x.com' is not allowed.")]
    outcome = _outcomes(POSTS, rejects, processed=4, created=3, updated=0)
    assert outcome[5] == RowOutcome(5, Outcome.REJECTED, "'c@x.com' is not allowed.")
    assert {r for r, o in outcome.items() if o.outcome is Outcome.CREATED} == {2, 3, 6}


def test_a_reject_whose_values_fit_no_base_is_not_guessed_onto_a_row() -> None:
    # recordIndex 3 is c (base 1) or d (base 0); the fieldValues name neither.
    rejects = [_reject(3, "zed@x.com", "Record rejected: bad.")]
    outcome = _outcomes(POSTS, rejects, processed=4, created=3, updated=0)
    assert {o.outcome for o in outcome.values()} == {Outcome.UNKNOWN}
    assert outcome[2].message == UNCLEAR


def test_the_other_values_are_checked_too_not_only_the_identifier() -> None:
    good = _reject(1, "a@x.com", "Record rejected: bad.", firstName="A")
    wrong = _reject(1, "a@x.com", "Record rejected: bad.", firstName="Somebody Else")
    assert _outcomes(POSTS, [good], processed=4)[2].outcome is Outcome.REJECTED
    # A server that reformats values still fits by its identifier, in the second pass.
    assert _outcomes(POSTS, [wrong], processed=4)[2].outcome is Outcome.REJECTED


def test_a_lost_post_that_was_staged_makes_the_resend_a_duplicate_not_a_reject() -> None:
    posts = [
        _post(1, ["a@x.com", "b@x.com"], [2, 3]),
        _post(2, ["c@x.com", "d@x.com"], [5, 6], certain=False),  # answer lost; it arrived
        _post(2, ["c@x.com", "d@x.com"], [5, 6]),  # posted again
    ]
    rejects = [
        _reject(5, "c@x.com", "Record rejected: the identifier came in record 3.", "ELQ-00026"),
        _reject(6, "d@x.com", "Record rejected: the identifier came in record 4.", "ELQ-00026"),
    ]
    outcome = _outcomes(posts, rejects, processed=6, created=4, updated=0)
    assert {r: o.outcome for r, o in outcome.items()} == {
        2: Outcome.CREATED, 3: Outcome.CREATED, 5: Outcome.CREATED, 6: Outcome.CREATED,
    }  # fmt: skip


def test_a_lost_post_that_never_arrived_is_left_out_by_the_count() -> None:
    posts = [
        _post(1, ["a@x.com", "b@x.com"], [2, 3], certain=False),  # lost, never staged
        _post(1, ["a@x.com", "b@x.com"], [2, 3]),
        _post(2, ["c@x.com", "d@x.com"], [5, 6]),
    ]
    rejects = [_reject(1, "a@x.com", "Record rejected: 'a@x.com' is refused.")]
    outcome = _outcomes(posts, rejects, processed=4, created=3, updated=0)
    assert outcome[2] == RowOutcome(2, Outcome.REJECTED, "'a@x.com' is refused.")
    assert outcome[3].outcome is Outcome.CREATED


def test_an_invalid_row_sent_twice_is_rejected_with_its_own_reason() -> None:
    posts = [
        _post(1, ["a@x.com", "b@x.com"], [2, 3], certain=False),
        _post(1, ["a@x.com", "b@x.com"], [2, 3]),
    ]
    rejects = [
        _reject(2, "b@x.com", "Record rejected: Last Name is required.", "ELQ-00061"),
        _reject(3, "a@x.com", "Record rejected: duplicate.", "ELQ-00026"),
        _reject(4, "b@x.com", "Record rejected: Last Name is required.", "ELQ-00061"),
    ]
    outcome = _outcomes(posts, rejects, processed=4, created=1, updated=0)
    assert outcome[2].outcome is Outcome.CREATED
    assert outcome[3] == RowOutcome(3, Outcome.REJECTED, "Last Name is required.")


def test_readings_that_disagree_leave_the_row_unknown() -> None:
    # Two lost posts of one size, one of them staged: without rejects to tell, the count says
    # only that one arrived. Rows only in those posts cannot be told apart.
    posts = [
        _post(1, ["a@x.com"], [2], certain=False),
        _post(2, ["b@x.com"], [3], certain=False),
    ]
    outcome = _outcomes(posts, [], processed=1, created=1, updated=0)
    assert outcome[2] == RowOutcome(2, Outcome.UNKNOWN, UNCLEAR)
    assert outcome[3] == RowOutcome(3, Outcome.UNKNOWN, UNCLEAR)


def test_when_the_logs_give_only_counts_a_row_is_imported_created_or_updated() -> None:
    outcome = _outcomes(POSTS, [], processed=4, created=3, updated=1)
    assert outcome[2].outcome is Outcome.ACCEPTED
    assert outcome[2].message == (
        "Imported (created or updated): Eloqua's logs give only counts (3 created, 1 updated), "
        "not which row was which."
    )
    assert _outcomes(POSTS, [], processed=4, created=0, updated=4)[6].outcome is Outcome.UPDATED
    assert _outcomes(POSTS, [], processed=4)[6].outcome is Outcome.ACCEPTED


def test_a_sync_that_processed_nothing_imported_no_row() -> None:
    outcome = _outcomes(POSTS, [], processed=0, created=0, updated=0)
    assert {o.outcome for o in outcome.values()} == {Outcome.SKIPPED}
    assert "processed no rows" in outcome[2].message


def test_counts_that_fit_no_reading_leave_only_identified_rejects_on_rows() -> None:
    rejects = [_reject(1, "a@x.com", "Record rejected: refused.")]
    outcome = _outcomes(POSTS, rejects, processed=9, created=3, updated=0)
    assert outcome[2] == RowOutcome(2, Outcome.REJECTED, "Refused.")
    assert outcome[3] == RowOutcome(3, Outcome.UNKNOWN, UNCLEAR)


def test_counts_are_read_from_the_log_codes() -> None:
    counts = SyncCounts.from_logs([
        {"statusCode": "ELQ-00001", "count": 10, "message": "Total records processed."},
        {"statusCode": "ELQ-00077", "count": 6, "message": "Event data created."},
        {"statusCode": "ELQ-00079", "count": 3, "message": "Event data updated."},
        {"statusCode": "ELQ-00101", "count": 0, "message": "Sync processed."},
    ])  # fmt: skip
    assert counts == SyncCounts(processed=10, created=6, updated=3)


def test_values_compare_as_eloqua_keeps_them() -> None:
    assert [wire_text(v) for v in (None, True, 7, 2.5, "  x ")] == ["", "true", "7", "2.5", "x"]
    record: dict[str, object] = {ID: "A@X.com", "guests": 2}
    post = Post(1, True, [record], [9])
    reject = _reject(1, "a@x.com", "Record rejected: no.", guests="2.0")
    assert _outcomes([post], [reject], processed=1)[9].outcome is Outcome.REJECTED


def test_a_duplicate_reject_needs_the_other_record_it_duplicates() -> None:
    # A's answer was lost and it never arrived; B's was lost and it did, so B's re-send is the
    # duplicate. Taking A and leaving B out adds up to the same count and puts the duplicate
    # on the same position, but then nothing would be there for it to duplicate.
    posts = [
        _post(1, ["a@x.com"], [2], certain=False),
        _post(1, ["a@x.com"], [2]),
        _post(2, ["x@x.com"], [3]),
        _post(3, ["b@x.com"], [4], certain=False),
        _post(3, ["b@x.com"], [4]),
    ]
    rejects = [_reject(4, "b@x.com", "Record rejected: came in record 3.", "ELQ-00026")]
    outcome = _outcomes(posts, rejects, processed=4, created=3, updated=0)
    assert {r: o.outcome for r, o in outcome.items()} == {
        2: Outcome.CREATED, 3: Outcome.CREATED, 4: Outcome.CREATED,
    }  # fmt: skip
