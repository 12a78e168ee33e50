"""An import's data posts into its Eloqua definition's staging area, each journaled around its
request, re-sent after a lost answer, and the staging rebuilt when it must be.

Every post is journaled before it goes out (`post.<g>.<n>` = "<batch> maybe") and after its
answer ("<batch> staged", or "<batch> none" when Eloqua refused it or never got it), so the sync's
outcomes know every post it may have taken, in posting order. A post whose answer was lost stays
"maybe" and is posted again: staged data is stored only by the sync, which keeps one record per
identifier (the email address). Rebuilding (the definition vanished, the data nears its
retention, re-sends would pass the 500 posts of a sync) empties the staging area and posts every
acknowledged batch again, in a new generation `<g>`.
"""

from __future__ import annotations

import random
import threading
from typing import TYPE_CHECKING, TypeVar

from rowboat.core.errors import Cancelled, OutcomeUnknown, Rejected, TargetError
from rowboat.core.submit.eloqua_posts import MAX_POSTS_PER_SYNC
from rowboat.core.submit.model import BatchState

if TYPE_CHECKING:
    from collections.abc import Callable

    from rowboat.core.clients._http import RetryPolicy
    from rowboat.core.clients.eloqua import EloquaClient
    from rowboat.core.progress import Reporter
    from rowboat.core.submit.model import Batch, Run

__all__ = ["RETENTION", "RETENTION_SECONDS", "Staging"]

T = TypeVar("T")

RETENTION = "P7D"  # staged data not synced by then is dropped by Eloqua
RETENTION_SECONDS = 7 * 86_400.0
RESTAGE_MARGIN = 86_400.0  # data staged longer than retention minus a day is staged again
BUSY_WAIT = 900.0  # seconds to wait for a sync of the definition to end before giving up


class Staging:
    """The staging area of one definition, as this import has filled it."""

    def __init__(
        self,
        client: EloquaClient,
        report: Reporter,
        policy: RetryPolicy,
        sleep: Callable[[float, Reporter], None],
        clock: Callable[[], float],
    ) -> None:
        self.client = client
        self.report = report
        self.policy = policy
        self.sleep = sleep
        self.clock = clock
        self.definition = ""
        self.generation = 1
        self.posts: list[tuple[int, str]] = []  # (batch seq, "maybe" | "staged" | "none")
        self.max_posts = MAX_POSTS_PER_SYNC
        self._restaging = False
        self._lock = threading.Lock()
        self._rng = random.Random()

    def load(self, run: Run) -> None:
        self.generation = int(run.recall("generation") or 1)
        self.posts = self.log(run, self.generation)

    @staticmethod
    def log(run: Run, generation: int) -> list[tuple[int, str]]:
        """The posts of one generation, in posting order."""
        posts: list[tuple[int, str]] = []
        while (entry := run.recall(f"post.{generation}.{len(posts) + 1}")) is not None:
            seq, _, state = entry.partition(" ")
            posts.append((int(seq), state))
        return posts

    def post(self, run: Run, batch: Batch) -> None:
        """One data post. Raises OutcomeUnknown when its answer was lost (it stays "maybe")."""
        if len([s for _, s in self.posts if s != "none"]) >= self.max_posts:
            if self._restaging:
                raise TargetError(
                    f"Eloqua takes at most {self.max_posts} requests in one sync, and this "
                    "import needs more after the answers that were lost.",
                    hint="Resume the import: Rowboat stages the rows again from the start.",
                )
            self.restage(run, f"Eloqua takes at most {self.max_posts} requests in one sync.")
        with self._lock:
            key = f"post.{self.generation}.{len(self.posts) + 1}"
            if not self.posts:
                run.remember(f"staged_since.{self.generation}", repr(self.clock()))
            run.remember(key, f"{batch.seq} maybe")
            self.posts.append((batch.seq, "maybe"))
        try:
            self.while_busy(
                lambda: self.client.post_data(self.definition, batch.payload, batch.content_type)
            )
        except OutcomeUnknown:
            raise
        except (TargetError, Cancelled):
            # Refused, or never acted on (HttpClient raises OutcomeUnknown whenever a post may
            # have been): nothing was staged. Anything else leaves the entry "maybe".
            self._settle(run, key, batch.seq, "none")
            raise
        self._settle(run, key, batch.seq, "staged")

    def _settle(self, run: Run, key: str, seq: int, state: str) -> None:
        with self._lock:
            run.remember(key, f"{seq} {state}")
            self.posts[int(key.rsplit(".", 1)[1]) - 1] = (seq, state)

    def post_until_answered(self, run: Run, batch: Batch) -> None:
        """Post, and post again while the answers are lost."""
        for attempt in range(1, self.policy.attempts + 1):
            try:
                self.post(run, batch)
            except OutcomeUnknown as exc:
                if attempt == self.policy.attempts:
                    raise
                self.report.notice(f"{exc.message} Rowboat sends the rows again.")
                self.sleep(self.policy.backoff(attempt, self._rng), self.report)
            else:
                return

    def stale(self, run: Run) -> bool:
        """Whether the staged data is near the retention after which Eloqua drops it."""
        since = run.recall(f"staged_since.{self.generation}")
        return bool(since) and self.clock() - float(since or 0) > RETENTION_SECONDS - RESTAGE_MARGIN

    def restage(self, run: Run, reason: str) -> None:
        """Empty the staging area and post every acknowledged batch again, in order."""
        self.report.notice(f"{reason} Rowboat stages the rows sent so far again.")
        run.remember("restage", "pending")
        self.generation += 1
        run.remember("generation", str(self.generation))
        self.posts = []
        self.while_busy(lambda: self.client.delete_data(self.definition))
        acknowledged = [b for b in run.batches() if b.state is BatchState.ACKNOWLEDGED]
        self._restaging = True
        try:
            for batch in sorted(acknowledged, key=lambda b: b.seq):
                self.post_until_answered(run, batch)
        finally:
            self._restaging = False
        run.remember("restage", "")

    def while_busy(self, call: Callable[[], T]) -> T:
        """The call, waiting while a sync of the definition runs (Eloqua answers 409)."""
        waited, attempt = 0.0, 1
        while True:
            try:
                return call()
            except Rejected as exc:
                if exc.status != 409:
                    raise
                if waited >= BUSY_WAIT:
                    raise TargetError(
                        "Eloqua has been busy with a sync of this import's definition for "
                        f"{BUSY_WAIT / 60:.0f} minutes.",
                        hint="Resume the import later.",
                        detail=exc.detail,
                        status=409,
                    ) from None
                delay = min(60.0, max(1.0, self.policy.base_delay) * 2**attempt)
                self.report.notice("Eloqua is still syncing this import's data; waiting.")
                self.sleep(delay, self.report)
                waited, attempt = waited + delay, attempt + 1
