"""The Thalamus client: credentials as headers, the login and its session, error codes in plain
sentences, retries and lost answers, the import list, templates as schemas, Test connection."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qs

import httpx
import pytest

from rowboat.core.clients.thalamus import check_connection, template_schema
from rowboat.core.clients.thalamus_errors import DuplicatedName, ImportRunning
from rowboat.core.errors import (
    AuthFailed,
    ConnectionProblem,
    OutcomeUnknown,
    Rejected,
    TargetError,
)
from rowboat.core.targets import get_endpoint
from rowboat.core.targets.schema import FieldType
from rowboat.core.targets.schema_cache import SchemaCache, schema_key
from tests.core.thalamus_fake import (
    FAST,
    PASSWORD,
    SECRETS,
    TOKEN,
    TOUCHPOINT,
    USER,
    FakeThalamus,
    body,
    client,
    connection,
    errors,
    xlsx,
)

if TYPE_CHECKING:
    from pathlib import Path


class Notices:
    """A Reporter that keeps the notices it is given."""

    def __init__(self) -> None:
        self.notices: list[str] = []

    def progress(self, done: int, total: int, what: str = "") -> None:
        return None

    def notice(self, text: str) -> None:
        self.notices.append(text)

    def raise_if_cancelled(self) -> None:
        return None


# --- credentials and session ------------------------------------------------------------------


def test_touchpoint_and_token_travel_as_headers_never_in_the_query() -> None:
    fake = FakeThalamus()
    fake.results[1] = [("Row", "Result", "Message")]
    with client(fake) as c:
        c.me()
        record = c.upload("Rowboat · a.xlsx · 1 · 1 of 1", 25011, "a.xlsx", b"PK")
        c.status(record.id)
        c.find_import(record.name)
        c.result(record.id)
    assert fake.paths() == [
        "/login", "/me", "/import/file", "/import/status/1", "/import/status",
        "/import/result/1", "/logout",
    ]  # fmt: skip
    for request in fake.requests:
        assert request.headers["Thalamus-Touchpoint"] == TOUCHPOINT
        assert request.headers["Thalamus-Token"] == TOKEN
        query = parse_qs(request.url.query.decode())
        assert not {"touchpoint", "token", "password", "principal"} & set(query)
        assert TOKEN not in str(request.url)
        assert PASSWORD not in str(request.url)
    login = fake.requests[0]
    assert login.headers["Content-Type"] == "application/json"
    assert body(login) == {"principal": USER, "password": PASSWORD}
    upload = fake.requests[2]
    assert upload.url.params["type"] == "25011"
    assert upload.headers["Content-Type"].startswith("multipart/form-data")


def test_the_v3_form_login_sends_its_own_fields_and_logs_out_beside_it() -> None:
    fake = FakeThalamus()
    fake.queue("/api/v3/thalamus_security_check", httpx.Response(200, json={}))
    with client(fake, login_path="../v3/thalamus_security_check") as c:
        c.login()
    login, logout = fake.requests
    assert str(login.url) == "https://tenant.thalamus.example/api/v3/thalamus_security_check"
    assert parse_qs(login.content.decode()) == {"j_username": [USER], "j_password": [PASSWORD]}
    assert (logout.method, logout.url.path) == ("GET", "/api/v3/logout")


def test_a_login_path_the_server_does_not_have_is_named_in_the_message() -> None:
    fake = FakeThalamus()
    with client(fake, login_path="/signin") as c, pytest.raises(ConnectionProblem) as caught:
        c.login()
    assert caught.value.message == "Thalamus takes no logins at '/signin' below the API address."
    assert "login path" in caught.value.hint


def test_an_expired_session_logs_in_again_once_and_repeats_the_call() -> None:
    fake = FakeThalamus()
    fake.queue("/me", errors(401, session="SessionExpired"))
    with client(fake) as c:
        assert c.me()["principal"] == USER
    assert fake.paths() == ["/login", "/me", "/login", "/me", "/logout"]


def test_an_upload_refused_for_an_expired_session_is_sent_again_after_the_login() -> None:
    fake = FakeThalamus()
    fake.queue("/import/file", errors(401, session="NotAuthenticated"))
    with client(fake) as c:
        record = c.upload("n", 25004, "a.xlsx", b"PK")
    assert record.id == "1"
    assert fake.paths("POST") == ["/login", "/import/file", "/login", "/import/file", "/logout"]


def test_a_session_lost_again_right_after_logging_in_is_said_plainly() -> None:
    fake = FakeThalamus()
    fake.queue("/me", *[errors(401, session="NotAuthenticated")] * 2)
    with client(fake) as c, pytest.raises(AuthFailed) as caught:
        c.me()
    assert caught.value.message == (
        "Thalamus did not keep Rowboat's session after it logged in again."
    )
    assert fake.paths().count("/login") == 2


def test_close_logs_out_once_and_stays_quiet_when_the_server_is_gone() -> None:
    fake = FakeThalamus()
    fake.queue("/logout", httpx.ConnectError("gone"))
    c = client(fake)
    c.login()
    c.close()
    assert fake.paths() == ["/login", "/logout"]


# --- error codes in plain sentences --------------------------------------------------------

VENDOR_DUPLICATE = {
    "ProcessorInfo": "DuplicatedName",
    "execution.ProcessorInfo": "execution.ProcessorInfo: DuplicatedName",
}


@pytest.mark.parametrize(
    ("answer", "kind", "message", "hint"),
    [
        (errors(400, partnerDataSource="InvalidTouchpointCode"), AuthFailed,
         f"Thalamus does not know the touchpoint code '{TOUCHPOINT}'.",
         "Check it in the Thalamus back office under Touchpoints."),
        (errors(400, partnerDataSource="TouchpointCodeRequired"), AuthFailed,
         "Thalamus needs a touchpoint code, and the connection has none.", "Touchpoints"),
        (errors(401, token="InvalidToken"), AuthFailed,
         f"Thalamus refused the token of the touchpoint '{TOUCHPOINT}'.", "Copy the token"),
        (errors(401, token="TokenRequired"), AuthFailed,
         "Thalamus needs the touchpoint's token, and the connection has none.", "Connections"),
        (errors(401, login="InvalidCredentials"), AuthFailed,
         f"Thalamus refused the user '{USER}' or its password.", "user and password"),
        (httpx.Response(400, json={"errors": VENDOR_DUPLICATE}), DuplicatedName,
         "Thalamus already has an import with the name given to the file a.xlsx.", ""),
        (errors(400, file="FileTooLarge"), Rejected, "The file is too large for Thalamus.",
         "fewer rows"),
        (errors(400, page="InvalidPage"), Rejected,
         "Thalamus refused the file a.xlsx (400): invalid page (page).", ""),
        (errors(404, request="NotFound"), Rejected,
         "Thalamus has nothing at the address Rowboat used for the file a.xlsx (404).",
         "/api/v4"),
        (errors(403, session="Forbidden"), AuthFailed,
         "Thalamus refused the request (403): forbidden (session).", "back office"),
    ],
)  # fmt: skip
def test_each_error_code_becomes_a_plain_sentence_with_a_next_step(
    answer: httpx.Response, kind: type[TargetError], message: str, hint: str
) -> None:
    fake = FakeThalamus()
    fake.queue("/import/file", answer)
    with client(fake) as c, pytest.raises(kind) as caught:
        c.upload("n", 25011, "a.xlsx", b"PK")
    assert type(caught.value) is kind
    assert caught.value.message == message
    assert hint in caught.value.hint
    assert caught.value.status == answer.status_code


def test_unknown_import_ids_and_unfinished_results_have_their_own_sentences() -> None:
    fake = FakeThalamus()
    fake.queue("/import/result/5", errors(409, ProcessorInfo="ImportInProgress"))
    with client(fake) as c:
        with pytest.raises(Rejected) as unknown:
            c.status("77")
        with pytest.raises(ImportRunning) as running:
            c.result("5")
    assert unknown.value.message == "Thalamus does not know the import asked for in import 77."
    assert running.value.message == (
        "Thalamus is still importing the file, so its results are not ready yet."
    )


def test_a_secret_echoed_by_the_server_never_reaches_the_message_or_detail() -> None:
    fake = FakeThalamus()
    echo = {"errors": {"token": f"no such token {TOKEN} for {PASSWORD}"}}
    fake.queue("/me", httpx.Response(400, json=echo))
    with client(fake) as c, pytest.raises(Rejected) as caught:
        c.me()
    shown = f"{caught.value.message} {caught.value.hint} {caught.value.detail} {caught.value!r}"
    assert TOKEN not in shown
    assert PASSWORD not in shown
    assert "***" in caught.value.detail


# --- retries and lost answers ------------------------------------------------------------------


def test_an_upload_whose_answer_is_cut_off_is_an_unknown_outcome_sent_once() -> None:
    fake = FakeThalamus()
    fake.queue("/import/file", httpx.RemoteProtocolError("peer closed connection"))
    with client(fake) as c, pytest.raises(OutcomeUnknown) as caught:
        c.upload("n", 25006, "a.xlsx", b"PK")
    assert "cannot tell yet whether" in caught.value.message
    assert fake.paths().count("/import/file") == 1


@pytest.mark.parametrize("status", [500, 502, 504])
def test_an_upload_failing_after_it_may_have_been_done_is_not_repeated(status: int) -> None:
    fake = FakeThalamus()
    fake.queue("/import/file", errors(status, server="InternalError"))
    with client(fake) as c, pytest.raises(OutcomeUnknown):
        c.upload("n", 25006, "a.xlsx", b"PK")
    assert fake.paths().count("/import/file") == 1


def test_an_upload_refused_before_it_was_done_is_sent_again_after_retry_after() -> None:
    fake = FakeThalamus()
    busy = httpx.Response(
        429, json={"errors": {"server": "TooManyRequests"}}, headers={"Retry-After": "3"}
    )
    fake.queue("/import/file", errors(503, server="ServiceUnavailable"), busy)
    sleeps: list[float] = []
    with client(fake, sleeps) as c:
        record = c.upload("n", 25006, "a.xlsx", b"PK")
    assert record.id == "1"
    assert fake.paths().count("/import/file") == 3
    assert sleeps[-1] == 3.0


def test_a_readable_upload_answer_that_is_not_json_is_an_unknown_outcome() -> None:
    fake = FakeThalamus()
    fake.queue("/import/file", httpx.Response(200, text="<html>Welcome</html>"))
    with client(fake) as c, pytest.raises(OutcomeUnknown):
        c.upload("n", 25006, "a.xlsx", b"PK")


def test_reads_are_repeated_after_a_dropped_answer() -> None:
    fake = FakeThalamus()
    fake.add_import("x")
    fake.queue("/import/status/1", httpx.ReadTimeout("slow"))
    with client(fake) as c:
        assert c.status("1").name == "x"
    assert fake.paths().count("/import/status/1") == 2


def test_the_import_list_is_searched_for_the_whole_name_not_a_part_of_it() -> None:
    fake = FakeThalamus()
    fake.add_import("Rowboat · a.xlsx · 7-ab · 1 of 30")
    wanted = fake.add_import("Rowboat · a.xlsx · 7-ab · 1 of 3")
    fake.add_import("Rowboat · a.xlsx · 7-ab · 11 of 30")
    with client(fake) as c:
        found = c.find_import(wanted["name"], search="7-ab")
        missing = c.find_import("Rowboat · a.xlsx · 7-ab · 2 of 3", search="7-ab")
    assert found is not None
    assert (found.id, found.name) == ("2", wanted["name"])
    assert missing is None
    assert fake.requests[1].url.params["name"] == "7-ab"


def test_a_list_that_ignores_the_name_filter_is_read_page_by_page() -> None:
    fake = FakeThalamus()
    page = {"content": [{"id": 1, "name": "other"}], "totalPages": 3}
    last = {"content": [{"id": 9, "name": "mine", "state": "PROCESSED"}], "totalPages": 3}
    fake.queue(
        "/import/status", httpx.Response(200, json=page), httpx.Response(200, json=page),
        httpx.Response(200, json=last),
    )  # fmt: skip
    with client(fake) as c:
        found = c.find_import("mine")
    assert found is not None
    assert (found.id, found.state) == ("9", "PROCESSED")
    assert [r.url.params["page"] for r in fake.requests[1:4]] == ["1", "2", "3"]


# --- Test connection -------------------------------------------------------------------------


def test_check_connection_names_the_user_and_the_import_it_may_use() -> None:
    fake = FakeThalamus()
    fake.template = xlsx([("Partner sales", [("date", "partner_code")])])
    check = check_connection(
        connection(), SECRETS, get_endpoint("thalamus.partner-sales"), policy=FAST,
        transport=httpx.MockTransport(fake.handler),
    )  # fmt: skip
    assert check.ok
    assert check.message == (
        f"Connected to Thalamus as {USER} (Ana Ruiz). It offers the import of partner sales."
    )
    assert fake.paths() == ["/login", "/me", "/import/template/25011", "/logout"]


def test_check_connection_says_what_is_wrong_without_raising() -> None:
    fake = FakeThalamus()
    fake.queue("/login", errors(401, token="InvalidToken"))
    check = check_connection(
        connection(), SECRETS, None, policy=FAST, transport=httpx.MockTransport(fake.handler)
    )
    assert not check.ok
    assert check.message == f"Thalamus refused the token of the touchpoint '{TOUCHPOINT}'."
    assert "Touchpoints" in check.hint
    assert TOKEN not in check.detail


# --- templates as schemas --------------------------------------------------------------------

TEMPLATE = xlsx(
    [
        ("Partner stock", [("date", "Partner_Code", "product_code", "quantity", "bin *")]),
        ("Columns", [("Column", "Description", "Required", "Example"),
                     ("date", "Date, YYYY-MM-DD.", "Yes", "2026-03-31"),
                     ("quantity", "Units in stock.", "No", "40"),
                     ("bin", "Shelf in the warehouse.", "No", "A-12")]),
    ]
)  # fmt: skip


def test_a_template_becomes_the_fields_keeping_what_rowboat_knows_of_each_code(
    tmp_path: Path,
) -> None:
    fake = FakeThalamus(template=TEMPLATE)
    endpoint = get_endpoint("thalamus.partner-stock")
    cache = SchemaCache(tmp_path)
    schema = template_schema(
        connection(), SECRETS, endpoint, policy=FAST, cache=cache,
        transport=httpx.MockTransport(fake.handler),
    )  # fmt: skip
    assert schema.schema_origin == "server"
    assert schema.field_keys == ("date", "Partner_Code", "product_code", "quantity", "bin")
    assert schema.field("date").type is FieldType.DATE
    assert schema.field("Partner_Code").label == "Partner code"  # the built-in field
    quantity = schema.field("quantity")
    assert (quantity.type, quantity.minimum, quantity.required) == (FieldType.INTEGER, 0, False)
    shelf = schema.field("bin")
    assert (shelf.label, shelf.type, shelf.required) == ("Bin", FieldType.TEXT, True)
    assert (shelf.help, shelf.example) == ("Shelf in the warehouse.", "A-12")
    assert "warehouse" not in schema.field_keys
    cached = cache.load(schema_key("Work", endpoint.id))
    assert cached is not None
    assert cached.endpoint == schema


def test_offline_the_cached_template_serves_with_a_note_saying_when_it_was_read(
    tmp_path: Path,
) -> None:
    endpoint = get_endpoint("thalamus.partner-stock")
    cache = SchemaCache(tmp_path)
    online = template_schema(
        connection(), SECRETS, endpoint, policy=FAST, cache=cache,
        transport=httpx.MockTransport(FakeThalamus(template=TEMPLATE).handler),
    )  # fmt: skip

    def offline(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route to host")

    notices = Notices()
    again = template_schema(
        connection(), SECRETS, endpoint, notices, policy=FAST, cache=cache,
        transport=httpx.MockTransport(offline),
    )  # fmt: skip
    assert again == online
    (note,) = notices.notices[-1:]
    assert note.startswith("Thalamus could not be reached.")
    assert "partner stock columns it read from Thalamus before (fetched " in note

    fresh = Notices()
    default = template_schema(
        connection(), SECRETS, endpoint, fresh, policy=FAST, cache=SchemaCache(tmp_path / "no"),
        transport=httpx.MockTransport(offline),
    )  # fmt: skip
    assert default == endpoint
    assert "its own default columns" in fresh.notices[-1]


def test_refused_credentials_are_not_mistaken_for_being_offline(tmp_path: Path) -> None:
    fake = FakeThalamus()
    fake.queue("/login", errors(401, login="InvalidCredentials"))
    with pytest.raises(AuthFailed):
        template_schema(
            connection(), SECRETS, get_endpoint("thalamus.companies"), policy=FAST,
            cache=SchemaCache(tmp_path), transport=httpx.MockTransport(fake.handler),
        )  # fmt: skip
