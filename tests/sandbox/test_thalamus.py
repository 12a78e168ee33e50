"""Thalamus sandbox: touchpoint and token, logins and sessions, persistence, injected faults."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from rowboat.sandbox.context import SandboxContext
from rowboat.sandbox.server import SandboxServer
from rowboat.sandbox.thalamus import LOGIN, PASSWORD, TOKEN, TOUCHPOINT
from rowboat.sandbox.thalamus_auth import SESSION_IDLE_SECONDS

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from rowboat.sandbox.context import ManualClock

AUTH = {"touchpoint": TOUCHPOINT, "token": TOKEN}
CSV = b"name,external_code\nGlobex SA,C-1\n"


@pytest.fixture
def api(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    """A client of Thalamus' v4 API that sends the touchpoint and token on every call."""
    with httpx.Client(base_url=sandbox.base_url("thalamus"), params=AUTH, timeout=10) as client:
        yield client


def v3(sandbox: SandboxServer, path: str) -> str:
    return f"{sandbox.url}/thalamus/api/v3/{path}"


def login(api: httpx.Client) -> httpx.Response:
    response = api.post("/login", json={"principal": LOGIN, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response


def upload(api: httpx.Client, name: str) -> httpx.Response:
    return api.post(
        "/import/file",
        params={"name": name, "type": "25004"},
        files={"file": ("companies.csv", CSV, "text/csv")},
    )


def import_names(api: httpx.Client) -> list[str]:
    listing = api.get("/import/status").json()
    return [imp["name"] for imp in listing["content"]]


# --- touchpoint and token -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "headers", "status", "errors"),
    [
        ({}, {}, 400, {"partnerDataSource": "TouchpointCodeRequired"}),
        ({"token": TOKEN}, {}, 400, {"partnerDataSource": "TouchpointCodeRequired"}),
        ({"touchpoint": "other", "token": TOKEN}, {}, 400,
         {"partnerDataSource": "InvalidTouchpointCode"}),
        ({"token": TOKEN}, {"Thalamus-Touchpoint": "other"}, 400,
         {"partnerDataSource": "InvalidTouchpointCode"}),
        ({"touchpoint": TOUCHPOINT}, {}, 401, {"token": "TokenRequired"}),
        ({"touchpoint": TOUCHPOINT, "token": "nope"}, {}, 401, {"token": "InvalidToken"}),
        ({}, {"Thalamus-Touchpoint": TOUCHPOINT}, 401, {"token": "TokenRequired"}),
        ({}, {"Thalamus-Touchpoint": TOUCHPOINT, "Thalamus-Token": "nope"}, 401,
         {"token": "InvalidToken"}),
    ],
)  # fmt: skip
def test_every_call_is_refused_without_the_right_touchpoint_and_token(
    http: httpx.Client,
    params: dict[str, str],
    headers: dict[str, str],
    status: int,
    errors: dict[str, str],
) -> None:
    for method, path in (
        ("POST", "/thalamus/api/v4/login"),
        ("GET", "/thalamus/api/v4/me"),
        ("GET", "/thalamus/api/v3/logout"),
        ("GET", "/thalamus/api/v4/import/status/1"),
        ("GET", "/thalamus/api/v4/import/template/25006"),
    ):
        response = http.request(method, path, params=params, headers=headers)
        assert response.status_code == status, path
        assert response.json() == {"errors": errors}


def test_touchpoint_and_token_are_accepted_as_headers(sandbox: SandboxServer) -> None:
    headers = {"Thalamus-Touchpoint": TOUCHPOINT, "Thalamus-Token": TOKEN}
    with httpx.Client(base_url=sandbox.base_url("thalamus"), headers=headers) as client:
        response = client.post("/login", json={"principal": LOGIN, "password": PASSWORD})
        assert response.status_code == 200
        assert client.get("/me").json()["principal"] == LOGIN


def test_login_before_the_touchpoint_check_opens_no_session(http: httpx.Client) -> None:
    body = {"principal": LOGIN, "password": PASSWORD}
    response = http.post("/thalamus/api/v4/login", json=body, params={"token": TOKEN})
    assert response.status_code == 400
    assert "set-cookie" not in response.headers


# --- logins and sessions --------------------------------------------------------------------


def test_v4_login_with_json_answers_the_user_and_a_session_cookie(api: httpx.Client) -> None:
    assert api.get("/me").status_code == 401
    response = login(api)
    user = response.json()
    assert user["principal"] == LOGIN
    assert user["email"] == LOGIN
    assert user["name"] == "Demo"
    assert isinstance(user["id"], int)
    cookie = response.headers["set-cookie"]
    session_id = api.cookies["JSESSIONID"]
    assert cookie.startswith(f"JSESSIONID={session_id};")
    assert "Path=/thalamus" in cookie
    assert "HttpOnly" in cookie
    assert len(session_id) == 32
    assert api.get("/me").json() == user


@pytest.mark.parametrize("where", ["form", "query"])
def test_v4_login_accepts_form_or_query_fields_and_a_principal_in_any_case(
    api: httpx.Client, where: str
) -> None:
    fields = {"principal": LOGIN.upper(), "password": PASSWORD}
    if where == "form":
        response = api.post("/login", data=fields)
    else:
        response = api.post("/login", params=fields)
    assert response.status_code == 200
    assert api.get("/me").json()["principal"] == LOGIN


def test_v3_security_check_logs_in_with_j_username_and_j_password(
    sandbox: SandboxServer, api: httpx.Client
) -> None:
    form = {"j_username": LOGIN, "j_password": PASSWORD}
    response = api.post(v3(sandbox, "thalamus_security_check"), data=form)
    assert response.status_code == 200
    assert response.json()["principal"] == LOGIN
    assert api.get("/me").status_code == 200


def test_wrong_password_is_refused_on_both_login_paths(
    sandbox: SandboxServer, api: httpx.Client
) -> None:
    refused = {"errors": {"login": "InvalidCredentials"}}
    response = api.post("/login", json={"principal": LOGIN, "password": "wrong"})
    assert (response.status_code, response.json()) == (401, refused)
    form = {"j_username": "someone@example.com", "j_password": PASSWORD}
    response = api.post(v3(sandbox, "thalamus_security_check"), data=form)
    assert (response.status_code, response.json()) == (401, refused)
    assert "JSESSIONID" not in api.cookies
    assert api.get("/me").json() == {"errors": {"session": "NotAuthenticated"}}


def test_login_without_principal_or_password_names_what_is_missing(
    sandbox: SandboxServer, api: httpx.Client
) -> None:
    response = api.post("/login", json={"principal": LOGIN})
    assert (response.status_code, response.json()) == (
        400, {"errors": {"password": "PasswordRequired"}}
    )  # fmt: skip
    response = api.post(v3(sandbox, "thalamus_security_check"), data={})
    assert response.json() == {
        "errors": {"j_username": "PrincipalRequired", "j_password": "PasswordRequired"}
    }


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(b"{not json", "application/json"), (b"[1, 2]", "application/json")],
)
def test_login_with_a_malformed_body_is_a_bad_request(
    api: httpx.Client, content: bytes, content_type: str
) -> None:
    response = api.post("/login", content=content, headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert response.json() == {"errors": {"request": "MalformedRequest"}}


def test_logout_ends_the_session_on_both_paths(sandbox: SandboxServer, api: httpx.Client) -> None:
    login(api)
    response = api.post("/logout")
    assert (response.status_code, response.json()) == (200, {"loggedOut": True})
    assert api.get("/me").status_code == 401
    login(api)
    old_cookie = api.cookies["JSESSIONID"]
    assert api.get(v3(sandbox, "logout")).status_code == 200
    assert "JSESSIONID" not in api.cookies  # the answer also clears the cookie
    assert api.get("/me", headers={"Cookie": f"JSESSIONID={old_cookie}"}).status_code == 401


def test_a_new_login_replaces_the_previous_session(api: httpx.Client) -> None:
    login(api)
    first = api.cookies["JSESSIONID"]
    login(api)
    assert api.cookies["JSESSIONID"] != first
    api.cookies.clear()
    assert api.get("/me", headers={"Cookie": f"JSESSIONID={first}"}).status_code == 401


def test_a_session_ends_after_thirty_idle_minutes_on_the_sandbox_clock(
    api: httpx.Client, clock: ManualClock
) -> None:
    login(api)
    clock.advance(SESSION_IDLE_SECONDS - 60)
    assert api.get("/me").status_code == 200  # each call keeps the session alive
    clock.advance(SESSION_IDLE_SECONDS - 60)
    assert api.get("/me").status_code == 200
    clock.advance(SESSION_IDLE_SECONDS)
    response = api.get("/me")
    assert (response.status_code, response.json()) == (
        401, {"errors": {"session": "SessionExpired"}}
    )  # fmt: skip
    assert api.get("/me").json() == {"errors": {"session": "NotAuthenticated"}}
    assert upload(api, "after expiry").status_code == 401


# --- persistence ----------------------------------------------------------------------------


def test_sessions_imports_and_records_survive_a_restart_on_the_same_state_file(
    tmp_path: Path, clock: ManualClock
) -> None:
    state = tmp_path / "sandbox.db"
    with SandboxServer(ctx=SandboxContext(clock=clock, state_path=state)) as first:
        base = first.base_url("thalamus")
        with httpx.Client(base_url=base, params=AUTH) as client:
            login(client)
            session_id = client.cookies["JSESSIONID"]
            import_id = upload(client, "kept").json()["id"]
    clock.advance(60)
    with SandboxServer(ctx=SandboxContext(clock=clock, state_path=state)) as second:
        base = second.base_url("thalamus")
        cookies = {"JSESSIONID": session_id}
        with httpx.Client(base_url=base, params=AUTH, cookies=cookies) as client:
            assert client.get("/me").json()["principal"] == LOGIN
            record = client.get(f"/import/status/{import_id}").json()
            assert (record["name"], record["state"], record["rowsOk"]) == ("kept", "PROCESSED", 1)
            assert upload(client, "kept").json()["errors"]["ProcessorInfo"] == "DuplicatedName"
        with second.ctx.lock:
            stored = second.ctx.db.execute("SELECT record_key FROM thalamus_records").fetchall()
        assert [r["record_key"] for r in stored] == ["external_code:C-1"]


# --- injected faults ------------------------------------------------------------------------


def test_throttle_answers_429_with_retry_after_and_imports_nothing(
    sandbox: SandboxServer, api: httpx.Client
) -> None:
    login(api)
    sandbox.faults.script("thalamus", "throttle")
    response = upload(api, "throttled")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "2"
    assert response.json() == {"errors": {"server": "TooManyRequests"}}
    assert import_names(api) == []
    assert upload(api, "throttled").status_code == 200


def test_server_error_answers_in_the_vendor_shape_and_imports_nothing(
    sandbox: SandboxServer, api: httpx.Client
) -> None:
    login(api)
    sandbox.faults.script("thalamus", "error")
    response = upload(api, "failed")
    assert response.status_code in (500, 503)
    assert response.json()["errors"]["server"] in ("InternalError", "ServiceUnavailable")
    assert import_names(api) == []


def test_a_dropped_answer_still_created_the_import(
    sandbox: SandboxServer, api: httpx.Client
) -> None:
    login(api)
    sandbox.faults.script("thalamus", "drop")
    with pytest.raises(httpx.HTTPError):
        upload(api, "dropped")
    assert import_names(api) == ["dropped"]
    assert upload(api, "dropped").json()["errors"]["ProcessorInfo"] == "DuplicatedName"


def test_a_slow_answer_times_out_the_client_but_the_import_was_made(
    sandbox: SandboxServer, api: httpx.Client
) -> None:
    login(api)
    sandbox.faults.configure("thalamus", slow_seconds=0.5)
    sandbox.faults.script("thalamus", "slow")
    with pytest.raises(httpx.TimeoutException):
        api.post(
            "/import/file",
            params={"name": "slow", "type": "25004"},
            files={"file": ("companies.csv", CSV)},
            timeout=0.2,
        )
    assert import_names(api) == ["slow"]
