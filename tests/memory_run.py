"""A Run kept in memory, for unit tests that call a carrier's methods one by one (the runner,
with its SQLite journal, drives carriers in the end-to-end tests)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from rowboat.core.progress import NULL_REPORTER
from rowboat.core.submit.model import Batch, SubmitOptions

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rowboat.core.progress import Reporter


@dataclass
class MemoryRun:
    """What the runner lends a carrier, in memory."""

    import_id: str
    options: SubmitOptions = field(default_factory=SubmitOptions)
    report: Reporter = NULL_REPORTER
    values: dict[str, str] = field(default_factory=dict)
    journal: list[Batch] = field(default_factory=list)

    def recall(self, key: str) -> str | None:
        return self.values.get(key)

    def remember(self, key: str, value: str) -> None:
        self.values[key] = value

    def batches(self) -> Sequence[Batch]:
        return tuple(self.journal)

    def update(self, batch: Batch, **changes: object) -> Batch:
        new = replace(batch, **changes)  # type: ignore[arg-type]
        self.journal[self.journal.index(batch)] = new
        return new
