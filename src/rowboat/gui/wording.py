"""Small helpers for user-visible wording: counts with the right noun, numbers grouped."""

from __future__ import annotations

__all__ = ["count"]


def count(n: int, one: str, many: str) -> str:
    """`one` or `many` (already translated templates holding {n}) filled with n, grouped."""
    return (one if n == 1 else many).format(n=f"{n:,}")
