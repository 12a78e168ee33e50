"""Independent column work spread over the machine's cores: Arrow kernels release the GIL."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = ["map_in_threads"]

T = TypeVar("T")
R = TypeVar("R")


def map_in_threads(
    work: Callable[[T], R],
    items: Iterable[T],
    on_done: Callable[[int], None] | None = None,
) -> list[R]:
    """`work` applied to every item, in threads; results in the items' order.

    `on_done(count)` is called in the calling thread each time another item finishes, so
    progress is reported from one thread. The first exception raised by `work` is raised here.
    """
    todo = list(items)
    workers = min(len(todo), os.cpu_count() or 1)
    if workers <= 1:
        results = []
        for count, item in enumerate(todo, start=1):
            results.append(work(item))
            if on_done is not None:
                on_done(count)
        return results
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rowboat-columns") as pool:
        futures = {pool.submit(work, item): i for i, item in enumerate(todo)}
        done: dict[int, R] = {}
        for count, future in enumerate(as_completed(futures), start=1):
            done[futures[future]] = future.result()
            if on_done is not None:
                on_done(count)
    return [done[i] for i in range(len(todo))]
