"""The Eloqua carrier's reading of a sync's status, over a mock transport: "errored" is an end,
as one of Oracle's pages spells "error"; pending and active go on."""

from __future__ import annotations

import httpx
import pytest

from rowboat.core.clients._http import RetryPolicy
from rowboat.core.connections.model import Connection
from rowboat.core.progress import NULL_REPORTER
from rowboat.core.submit.eloqua import EloquaCarrier
from rowboat.core.submit.model import SubmitOptions
from rowboat.core.targets.registry import get_endpoint

POD = "https://secure.p03.eloqua.com"
DISCOVERY = {
    "site": {"name": "AcmeCorp"},
    "user": {"username": "Jane.Doe"},
    "urls": {"apis": {"rest": {"standard": f"{POD}/API/REST/{{version}}/",
                               "bulk": f"{POD}/API/Bulk/{{version}}/"}}},
}  # fmt: skip


class MemoryRun:
    import_id = "imp"
    options = SubmitOptions(event="12")
    report = NULL_REPORTER

    def __init__(self, memory: dict[str, str]) -> None:
        self.memory = memory

    def recall(self, key: str) -> str | None:
        return self.memory.get(key)

    def remember(self, key: str, value: str) -> None:
        self.memory[key] = value

    def batches(self) -> tuple[()]:
        return ()


def _carrier(status: str) -> EloquaCarrier:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/id":
            return httpx.Response(200, json=DISCOVERY)
        assert request.url.path == "/API/Bulk/2.0/syncs/4"
        return httpx.Response(200, json={"uri": "/syncs/4", "status": status})

    connection = Connection(
        name="Work", system="eloqua", base_url="https://login.eloqua.com",
        settings={"site": "AcmeCorp", "user": "Jane.Doe"},
    )  # fmt: skip
    return EloquaCarrier(
        get_endpoint("eloqua.event-registrants"), connection, {"password": "pw-123456"},
        NULL_REPORTER, RetryPolicy(attempts=1), transport=httpx.MockTransport(handler),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("status", "finished", "words"),
    [
        ("pending", False, "queued"),
        ("active", False, "importing"),
        ("success", True, "has imported the registrants."),
        ("warning", True, "rejected some rows"),
        ("error", True, "ended with an error"),
        ("errored", True, "ended with an error"),
    ],
)
def test_a_syncs_status_is_read_as_running_or_ended(
    status: str, finished: bool, words: str
) -> None:
    carrier = _carrier(status)
    with_sync = MemoryRun({"sync": "/syncs/4"})
    answer = carrier.poll(with_sync)
    carrier.close()
    assert answer.finished is finished
    assert words in answer.text


def test_an_import_with_nothing_staged_starts_no_sync() -> None:
    carrier = _carrier("success")
    run = MemoryRun({})
    carrier.finish(run)
    assert run.memory == {"sync": "none"}
    assert carrier.poll(run).finished
    assert carrier.outcomes(run) == []
    carrier.close()
