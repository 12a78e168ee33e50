"""The Review table's row order: places per row and the visible rows in that order."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from rowboat.core.validation.row_order import by_column, fix_first, visible_rows


def _order(place: np.ndarray) -> list[int]:
    order: list[int] = visible_rows(place, None, len(place)).tolist()
    return order


def test_numbers_sort_as_numbers_with_empty_cells_last_either_way() -> None:
    values = pa.array(["10", "9", "", " 2 ", "9"], type=pa.large_string())
    assert _order(by_column(values)) == [3, 1, 4, 0, 2]  # ties (the two 9s) in file order
    assert _order(by_column(values, descending=True)) == [0, 1, 4, 3, 2]


def test_text_sorts_regardless_of_case() -> None:
    values = pa.array(["berlin", "Aachen", "Zug", "aalen"], type=pa.large_string())
    assert _order(by_column(values)) == [1, 3, 0, 2]  # aachen, aalen, berlin, zug


def test_a_place_is_a_permutation_of_the_rows() -> None:
    rng = np.random.default_rng(5)
    values = pa.array([str(v) for v in rng.integers(0, 50, 2000)], type=pa.large_string())
    place = by_column(values)
    assert sorted(place.tolist()) == list(range(2000))


def test_rows_needing_a_fix_come_first_in_file_order() -> None:
    valid = np.array([True, False, True, False, True])
    assert _order(fix_first(valid)) == [1, 3, 0, 2, 4]
    assert _order(fix_first(valid, descending=True)) == [0, 2, 4, 1, 3]


def test_visible_rows_keep_the_order_under_a_filter() -> None:
    values = pa.array(["c", "a", "d", "b"], type=pa.large_string())
    shown = np.array([True, False, True, True])
    assert visible_rows(by_column(values), shown, 4).tolist() == [3, 0, 2]
    assert visible_rows(None, shown, 4).tolist() == [0, 2, 3]
    assert visible_rows(None, None, 3).tolist() == [0, 1, 2]
