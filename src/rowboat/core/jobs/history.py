"""History: the imports Rowboat has run, read from the journal's database (newest first).

The journal is the history: every import it holds, finished or not, with its counts, state and
each row's outcome. `unfinished()` names the imports to pick up again at start: those still
sending or tracking (or stopped) whose process is gone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rowboat.core.submit.journal import Journal, alive
from rowboat.core.submit.model import ImportState

if TYPE_CHECKING:
    from rowboat.core.submit.journal import ImportRecord
    from rowboat.core.submit.model import RowOutcome

__all__ = ["History"]


class History:
    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    def recent(self, limit: int | None = 200) -> list[ImportRecord]:
        return self.journal.imports(limit)

    def get(self, import_id: str) -> ImportRecord:
        return self.journal.get(import_id)

    def rows(self, import_id: str) -> list[RowOutcome]:
        return list(self.journal.outcomes(import_id))

    def unfinished(self) -> list[ImportRecord]:
        """Imports Rowboat stopped before their end (a crash, a closed window, an error) that no
        running Rowboat is carrying on: resume them, or track their job again."""
        return [
            r
            for r in self.journal.imports(None)
            if r.state is not ImportState.FINISHED
            and (r.owner_pid is None or not alive(r.owner_pid))
        ]

    def forget(self, import_id: str) -> None:
        self.journal.delete(import_id)
