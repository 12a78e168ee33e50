"""Fault injection: seeded and scripted faults, per vendor, as a client meets them on the wire."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import httpx
import pytest

from rowboat.sandbox.faults import FaultKind, FaultPlan, Faults

if TYPE_CHECKING:
    from rowboat.sandbox.server import SandboxServer

VENDORS = ("thought-industries", "eloqua", "plandocket", "thalamus")


def _draws(faults: Faults, vendor: str, n: int) -> list[FaultKind]:
    return [faults.draw(vendor) for _ in range(n)]


def test_seeded_faults_repeat_exactly() -> None:
    runs = []
    for _ in range(2):
        faults = Faults(VENDORS, seed=42)
        faults.configure(None, error_rate=0.2, throttle_rate=0.2, drop_rate=0.1, slow_rate=0.1)
        runs.append(_draws(faults, "plandocket", 200))
    assert runs[0] == runs[1]
    counts = {kind: runs[0].count(kind) for kind in FaultKind}
    assert 20 < counts[FaultKind.ERROR] < 60  # about a fifth of 200
    assert counts[FaultKind.NONE] > 50


def test_one_vendors_traffic_does_not_shift_anothers_faults() -> None:
    quiet, busy = Faults(VENDORS, seed=1), Faults(VENDORS, seed=1)
    for faults in (quiet, busy):
        faults.configure("eloqua", error_rate=0.5)
    _draws(busy, "thalamus", 50)
    assert _draws(quiet, "eloqua", 30) == _draws(busy, "eloqua", 30)


def test_a_script_overrides_the_dice_in_order_then_they_resume() -> None:
    faults = Faults(VENDORS, seed=3)
    faults.script("thalamus", "throttle", "none", FaultKind.DROP)
    assert _draws(faults, "thalamus", 4) == [
        FaultKind.THROTTLE,
        FaultKind.NONE,
        FaultKind.DROP,
        FaultKind.NONE,
    ]
    assert faults.injected[("thalamus", FaultKind.THROTTLE)] == 1
    assert _draws(faults, "plandocket", 3) == [FaultKind.NONE] * 3


def test_reset_clears_plans_and_scripts() -> None:
    faults = Faults(VENDORS)
    faults.configure(None, error_rate=1.0)
    faults.script("eloqua", "slow")
    faults.reset()
    assert faults.plan("eloqua") == FaultPlan()
    assert _draws(faults, "eloqua", 5) == [FaultKind.NONE] * 5


@pytest.mark.parametrize(
    "changes",
    [
        {"error_rate": 1.5},
        {"error_rate": 0.6, "drop_rate": 0.6},
        {"latency_ms": -1},
        {"timeout": 3},
    ],
)
def test_impossible_plans_are_refused(changes: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"fault rates|cannot be negative|unknown fault"):
        Faults(VENDORS).configure("plandocket", **changes)


def test_unknown_vendor_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown vendor"):
        Faults(VENDORS).configure("salesforce", error_rate=0.1)


# On the wire, each vendor answers faults in its own shape.
_PING: dict[str, str] = {
    "thought-industries": "/thought-industries/incoming/v2/ping",
    "plandocket": "/plandocket/api/v1/events",
    "thalamus": "/thalamus/api/v4/me",
    "eloqua": "/eloqua/id",
}


@pytest.mark.parametrize("vendor", VENDORS)
def test_throttle_answers_429_with_retry_after_in_the_vendors_shape(
    sandbox: SandboxServer, http: httpx.Client, vendor: str
) -> None:
    sandbox.faults.configure(vendor, retry_after=7)
    sandbox.faults.script(vendor, "throttle")
    answer = http.get(_PING[vendor])
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "7"
    body = answer.json()
    if vendor == "thought-industries":
        assert body["error"] == "rate_limit_exceeded"
        assert body["retryAfter"] == 7
    elif vendor == "plandocket":
        assert body == {"error": "Rate limit exceeded"}
    elif vendor == "thalamus":
        assert "errors" in body
    else:
        assert "failures" in body


@pytest.mark.parametrize("vendor", VENDORS)
def test_server_errors_are_500_or_503_and_touch_only_that_vendor(
    sandbox: SandboxServer, http: httpx.Client, vendor: str
) -> None:
    sandbox.faults.configure(vendor, error_rate=1.0)
    assert http.get(_PING[vendor]).status_code in (500, 503)
    other = "plandocket" if vendor != "plandocket" else "thought-industries"
    assert http.get(_PING[other]).status_code not in (500, 503)


def test_dropped_answer_is_cut_off_mid_body(sandbox: SandboxServer, http: httpx.Client) -> None:
    sandbox.faults.script("thought-industries", "drop")
    with pytest.raises(httpx.RemoteProtocolError):
        http.get(
            "/thought-industries/incoming/v2/ping",
            headers={"Authorization": "Bearer sandbox-ti-key"},
        )
    # The connection is gone but the server is fine: the next request is answered.
    again = http.get(
        "/thought-industries/incoming/v2/ping", headers={"Authorization": "Bearer sandbox-ti-key"}
    )
    assert again.json() == {"valid": True}


def test_slow_answer_outlasts_the_clients_timeout(sandbox: SandboxServer) -> None:
    sandbox.faults.configure("plandocket", slow_rate=1.0, slow_seconds=1.0)
    with (
        httpx.Client(base_url=sandbox.url, timeout=0.2) as impatient,
        pytest.raises(httpx.ReadTimeout),
    ):
        impatient.get("/plandocket/api/v1/events", headers={"X-API-Key": "sandbox-pd-key"})


def test_latency_delays_every_answer(sandbox: SandboxServer, http: httpx.Client) -> None:
    sandbox.faults.configure("eloqua", latency_ms=300)
    started = time.monotonic()
    http.get("/eloqua/id")
    assert time.monotonic() - started >= 0.3  # a lower bound the fault guarantees


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            "/thought-industries/incoming/v2/nope",
            {"error": "not_found", "message": "The requested resource does not exist."},
        ),
        (
            "/eloqua/api/bulk/2.0/nope",
            {"failures": [{"constraint": "The requested resource was not found."}]},
        ),
        ("/plandocket/api/v1/nope", {"error": "Not found."}),
        (
            "/thalamus/api/v4/nope?touchpoint=sandbox&token=sandbox-token",
            {"errors": {"request": "NotFound"}},
        ),
    ],
)
def test_unknown_routes_answer_in_the_vendors_shape(
    http: httpx.Client, path: str, body: dict[str, object]
) -> None:
    answer = http.get(path, headers={"Authorization": "Bearer sandbox-ti-key"})
    assert (answer.status_code, answer.json()) == (404, body)


def test_a_wrong_method_says_which_are_allowed(http: httpx.Client) -> None:
    answer = http.delete(
        "/thought-industries/incoming/v2/ping", headers={"Authorization": "Bearer sandbox-ti-key"}
    )
    assert answer.status_code == 405
    assert answer.json()["error"] == "method_not_allowed"
    assert "GET" in answer.headers["Allow"]
