"""Lists written into sentences: a long one shortened so a message stays one readable line."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["short_list"]


def short_list(items: Sequence[str], shown: int = 3, *, separator: str = ", ") -> str:
    """`items` joined, or the first `shown` of them and how many more: "c1, c2, c3 … and 15,997
    more". A list one longer than `shown` is written whole: "and 1 more" saves nothing."""
    if len(items) <= shown + 1:
        return separator.join(items)
    return f"{separator.join(items[:shown])} … and {len(items) - shown:,} more"
