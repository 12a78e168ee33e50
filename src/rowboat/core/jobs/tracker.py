"""follow: poll a carrier's remote work to its end, backing off, cancellable, never on a GUI thread.

Nothing is held in memory between polls that the journal does not also hold, so a tracker
started again after a restart simply goes on polling.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rowboat.core.progress import wait

if TYPE_CHECKING:
    from collections.abc import Callable

    from rowboat.core.progress import Reporter
    from rowboat.core.submit.model import Carrier, JobStatus, Run

__all__ = ["TrackPolicy", "follow"]


@dataclass(frozen=True)
class TrackPolicy:
    first_delay: float = 1.0  # seconds before the second poll
    factor: float = 1.5  # each wait this much longer than the last
    max_delay: float = 15.0


def follow(
    run: Run,
    carrier: Carrier,
    *,
    policy: TrackPolicy = TrackPolicy(),
    sleep: Callable[[float, Reporter], None] = wait,
    on_status: Callable[[JobStatus], None] | None = None,
) -> JobStatus:
    """Poll until the carrier says its remote work has finished; the last status."""
    report = run.report
    delay = policy.first_delay
    last_text = ""
    while True:
        report.raise_if_cancelled()
        status = carrier.poll(run)
        changed = status.text != last_text
        last_text = status.text
        if changed and on_status is not None:
            on_status(status)
        if status.done is not None and status.total:
            report.progress(status.done, status.total, status.text)
        elif status.text and changed:
            report.notice(status.text)
        if status.finished:
            return status
        sleep(status.poll_again_in if status.poll_again_in is not None else delay, report)
        delay = min(policy.max_delay, delay * policy.factor)
