"""Thalamus sandbox: imports of each type, progress, list, cancel, result files, templates."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from openpyxl import Workbook, load_workbook

from rowboat.sandbox import thalamus_imports
from rowboat.sandbox.thalamus import LOGIN, PASSWORD, TOKEN, TOUCHPOINT

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from rowboat.sandbox.context import ManualClock
    from rowboat.sandbox.server import SandboxServer

AUTH = {"touchpoint": TOUCHPOINT, "token": TOKEN}
RECORD_KEYS = {
    "id", "creationDate", "modificationDate", "creationOperator", "modificationOperator", "name",
    "fileName", "fileType", "owner", "relatedEntityType", "importDate", "userId",
    "partnerDatasourceId", "mediumContextData", "mediumContextDataJson", "rows", "rowsOk",
    "rowsWithErrors", "rowsSkipped", "rowsRollbacked", "rowsRollbackedWithErrors", "state",
    "percentageProcessed", "totalToProcess", "url", "fileImportType", "fileSize",
    "analysisResult", "analysisResultJson", "internationalizedState",
    "stateInternationalizableKey",
}  # fmt: skip
NOW_MS = 1_767_225_600_000  # the ManualClock's start


@pytest.fixture
def api(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    """A logged-in client of Thalamus' v4 API, sending the touchpoint and token on every call."""
    with httpx.Client(base_url=sandbox.base_url("thalamus"), params=AUTH, timeout=10) as client:
        response = client.post("/login", json={"principal": LOGIN, "password": PASSWORD})
        assert response.status_code == 200
        yield client


def xlsx(header: Sequence[object], rows: Sequence[Sequence[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in (header, *rows):
        sheet.append(list(line))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(header: Sequence[object], rows: Sequence[Sequence[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode()


def post(
    api: httpx.Client, name: str, kind: int | str, filename: str, content: bytes
) -> httpx.Response:
    return api.post(
        "/import/file", params={"name": name, "type": kind}, files={"file": (filename, content)}
    )


def start(api: httpx.Client, name: str, kind: int, filename: str, content: bytes) -> int:
    response = post(api, name, kind, filename, content)
    assert response.status_code == 200, response.text
    import_id: int = response.json()["id"]
    return import_id


def status(api: httpx.Client, import_id: int) -> dict[str, Any]:
    response = api.get(f"/import/status/{import_id}")
    assert response.status_code == 200, response.text
    record: dict[str, Any] = response.json()
    return record


def sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
    finally:
        book.close()


def result_rows(api: httpx.Client, import_id: int) -> list[tuple[Any, ...]]:
    response = api.get(f"/import/result/{import_id}")
    assert response.status_code == 200, response.text
    return sheets(response.content)["Result"]


def flagged(message: str) -> set[str]:
    """The columns a row's error message names ("quantity: ...; date: ...")."""
    return {part.split(":")[0] for part in message.split("; ")} if message else set()


# --- a good and a bad file of each type -----------------------------------------------------


@dataclass(frozen=True)
class Case:
    kind: int
    header: tuple[str, ...]
    good: tuple[object, ...]
    bad: tuple[object, ...]
    bad_columns: set[str]


CASES = [
    Case(
        25006,
        ("name", "address", "city", "postal_code", "country", "phone", "email", "latitude",
         "longitude", "external_code"),
        ("Madrid store", "Calle Mayor 1", "Madrid", "28013", "ES", "+34 912 345 678",
         "madrid@example.es", 40.4168, -3.7038, "LOC-1"),
        ("", "Rua Augusta 2", "Lisboa", "1100-053", "PT", "12", "not-an-email", 95, -9.14, ""),
        {"name", "phone", "email", "latitude"},
    ),
    Case(
        25004,
        ("name", "tax_id", "country", "address", "city", "website", "phone", "email",
         "external_code"),
        ("Globex SA", "ESA12345678", "es", "Calle Mayor 1", "Madrid", "https://globex.example",
         "+34 912 345 678", "info@globex.example", "C-1"),
        ("Initech", "", "Spain", "", "", "www.initech.example", "", "", "C-2"),
        {"country", "website"},
    ),
    Case(
        25011,
        ("date", "partner_code", "product_code", "quantity", "unit_price", "amount", "currency",
         "invoice_number"),
        (dt.date(2026, 3, 31), "P-0100", "SKU-123", 12, "9.90", 118.8, "EUR", "INV-1"),
        ("31/03/2026", "P-9999", "SKU-123", "twelve", -1, "", "EURO", "INV-2"),
        {"date", "partner_code", "quantity", "unit_price", "currency"},
    ),
    Case(
        25012,
        ("date", "partner_code", "product_code", "quantity", "warehouse"),
        ("2026-03-31", "P-0200", "SKU-456", 40, "Madrid central"),
        ("2026-02-30", "P-0200", "SKU-000", -5, ""),
        {"date", "product_code", "quantity"},
    ),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda c: str(c.kind))
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_each_type_imports_good_rows_and_reports_bad_ones(
    api: httpx.Client, clock: ManualClock, case: Case, file_format: str
) -> None:
    write = xlsx if file_format == "xlsx" else csv_bytes
    content = write(case.header, [case.good, case.bad, case.good])
    import_id = start(api, f"{case.kind} {file_format}", case.kind, f"f.{file_format}", content)
    clock.advance(60)
    record = status(api, import_id)
    assert record["fileType"] == ("EXCEL" if file_format == "xlsx" else "CSV")
    assert record["owner"]["entityType"] == case.kind
    assert (record["state"], record["percentageProcessed"]) == ("PROCESSED", 100)
    assert (record["rows"], record["rowsOk"], record["rowsWithErrors"]) == (3, 2, 1)
    assert record["analysisResult"]["valid"] is True
    lines = result_rows(api, import_id)
    assert lines[0] == ("Row", "Result", "Message", *case.header)
    assert [(line[0], line[1]) for line in lines[1:]] == [(2, "OK"), (3, "ERROR"), (4, "OK")]
    assert flagged(lines[2][2]) == case.bad_columns


def test_the_upload_answers_the_import_record_shaped_like_the_vendor_page(
    api: httpx.Client,
) -> None:
    content = xlsx(CASES[2].header, [CASES[2].good])
    response = post(api, "importRest02", 25011, "PartnerSaleImporter.xlsx", content)
    assert response.status_code == 200
    record = response.json()
    assert set(record) == RECORD_KEYS
    assert record["name"] == "importRest02"
    assert record["fileName"] == "PartnerSaleImporter.xlsx"
    assert (record["fileType"], record["fileSize"]) == ("EXCEL", len(content))
    assert record["creationDate"] == record["modificationDate"] == record["importDate"] == NOW_MS
    assert record["owner"] == {"id": record["userId"], "entityType": 25011}
    assert record["mediumContextData"]["touchpointId"] == 3
    assert "<touchpointId>3</touchpointId>" in record["mediumContextDataJson"]
    assert (record["state"], record["internationalizedState"]) == ("PROCESSING", "Processing")
    assert record["stateInternationalizableKey"] == "Processing"
    assert (record["rows"], record["rowsOk"], record["percentageProcessed"]) == (0, 0, 0)
    assert (record["totalToProcess"], record["analysisResult"]) == (1, None)


def test_status_advances_with_the_clock_until_processed(
    api: httpx.Client, clock: ManualClock, sandbox: SandboxServer
) -> None:
    rows: list[tuple[str, str, str, object]] = [
        ("2026-03-31", "P-0100", "SKU-123", i) for i in range(1, 101)
    ]
    rows[9] = ("2026-03-31", "P-0100", "SKU-123", "ten")
    content = csv_bytes(("date", "partner_code", "product_code", "quantity"), rows)
    import_id = start(api, "sales", 25011, "sales.csv", content)
    duration = sandbox.ctx.job_duration(100)  # 4 s + 100 rows x 0.002 s
    clock.advance(duration / 4)
    quarter = status(api, import_id)
    assert (quarter["state"], quarter["percentageProcessed"]) == ("PROCESSING", 25)
    assert (quarter["rows"], quarter["rowsOk"], quarter["rowsWithErrors"]) == (25, 24, 1)
    assert quarter["modificationDate"] > quarter["creationDate"]
    clock.advance(duration / 2)
    three_quarters = status(api, import_id)
    assert (three_quarters["rows"], three_quarters["percentageProcessed"]) == (75, 75)
    clock.advance(duration / 4)
    done = status(api, import_id)
    assert (done["state"], done["internationalizedState"]) == ("PROCESSED", "Processed")
    assert (done["rows"], done["rowsOk"], done["rowsWithErrors"]) == (100, 99, 1)
    assert done["percentageProcessed"] == 100
    assert done["modificationDate"] == NOW_MS + round(duration * 1000)


def test_rows_without_values_in_the_template_columns_are_skipped(
    api: httpx.Client, clock: ManualClock
) -> None:
    header = ("name", "external_code", "notes")
    content = xlsx(header, [("Globex", "C-1", ""), (None, None, "call back"), (" ", "", "x")])
    import_id = start(api, "skips", 25004, "c.xlsx", content)
    clock.advance(60)
    record = status(api, import_id)
    assert (record["rows"], record["rowsOk"], record["rowsSkipped"]) == (3, 1, 2)
    assert record["analysisResult"]["ignoredColumns"] == ["notes"]
    assert [line[1] for line in result_rows(api, import_id)[1:]] == ["OK", "SKIPPED", "SKIPPED"]


def test_headers_match_the_template_codes_whatever_their_case(
    api: httpx.Client, clock: ManualClock
) -> None:
    content = csv_bytes(("Name", " EXTERNAL_CODE "), [("Globex", "C-1")])
    import_id = start(api, "cases", 25004, "c.csv", content)
    clock.advance(60)
    assert status(api, import_id)["rowsOk"] == 1


# --- bad uploads ----------------------------------------------------------------------------


def test_an_import_needs_a_live_session(sandbox: SandboxServer) -> None:
    with httpx.Client(base_url=sandbox.base_url("thalamus"), params=AUTH) as client:
        response = post(client, "anon", 25004, "c.csv", b"name\nGlobex\n")
        assert (response.status_code, response.json()) == (
            401, {"errors": {"session": "NotAuthenticated"}}
        )  # fmt: skip
        for path in ("/import/status", "/import/status/1", "/import/template/25004"):
            assert client.get(path).status_code == 401
        assert client.post("/import/cancel/1").status_code == 401
    with sandbox.ctx.lock:
        assert sandbox.ctx.db.execute("SELECT COUNT(*) FROM thalamus_imports").fetchone()[0] == 0


def test_a_name_already_used_is_refused_exactly_as_the_vendor_shows(api: httpx.Client) -> None:
    start(api, "weekly", 25004, "c.csv", b"name\nGlobex\n")
    response = post(api, "weekly", 25006, "l.csv", b"name\nStore\n")
    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "ProcessorInfo": "DuplicatedName",
            "execution.ProcessorInfo": "execution.ProcessorInfo: DuplicatedName",
        }
    }
    assert len(api.get("/import/status").json()["content"]) == 1


@pytest.mark.parametrize("kind", ["", "25000", "sales", "-25011"])
def test_an_unknown_or_missing_type_is_refused(api: httpx.Client, kind: str) -> None:
    response = post(api, "typed", kind, "c.csv", b"name\nGlobex\n")
    assert (response.status_code, response.json()) == (
        400, {"errors": {"type": "InvalidImportType"}}
    )  # fmt: skip


def test_a_missing_or_too_long_name_is_refused(api: httpx.Client) -> None:
    response = post(api, "  ", 25004, "c.csv", b"name\nGlobex\n")
    assert (response.status_code, response.json()) == (400, {"errors": {"name": "NameRequired"}})
    response = post(api, "n" * 256, 25004, "c.csv", b"name\nGlobex\n")
    assert response.json() == {"errors": {"name": "NameTooLong"}}


def test_every_problem_of_an_upload_is_named_at_once(api: httpx.Client) -> None:
    response = api.post("/import/file", data={"other": "x"})
    assert response.status_code == 400
    assert response.json() == {
        "errors": {"name": "NameRequired", "type": "InvalidImportType", "file": "FileRequired"}
    }


def test_name_and_type_may_travel_as_headers_or_form_fields(
    api: httpx.Client, clock: ManualClock
) -> None:
    files = {"file": ("c.csv", b"name\nGlobex\n")}
    by_header = api.post("/import/file/", headers={"name": "h", "type": "25004"}, files=files)
    by_form = api.post("/import/file", data={"name": "f", "type": "25006"}, files=files)
    assert (by_header.status_code, by_form.status_code) == (200, 200)
    assert by_header.json()["owner"]["entityType"] == 25004
    assert by_form.json()["owner"]["entityType"] == 25006


def test_a_file_over_the_size_limit_is_refused(
    api: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(thalamus_imports, "MAX_FILE_BYTES", 100)
    response = post(api, "big", 25004, "c.csv", b"name\n" + b"Globex\n" * 20)
    assert (response.status_code, response.json()) == (400, {"errors": {"file": "FileTooLarge"}})
    assert post(api, "small", 25004, "c.csv", b"name\nGlobex\n").status_code == 200


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"--xyz\r\n"),  # no boundary
        ("multipart/form-data; boundary=xyz", b"--xyz\r\nContent-Disposition: form-data\r\n\r\n"),
    ],
)
def test_a_malformed_multipart_body_is_a_bad_request(
    api: httpx.Client, content_type: str, body: bytes
) -> None:
    response = api.post("/import/file", content=body, headers={"Content-Type": content_type})
    assert (response.status_code, response.json()) == (
        400, {"errors": {"file": "MalformedMultipart"}}
    )  # fmt: skip


@pytest.mark.parametrize(
    ("filename", "content", "file_type", "error"),
    [
        ("report.pdf", b"%PDF-1.4 not a spreadsheet", None, "only .csv and .xlsx"),
        ("broken.xlsx", b"PK\x03\x04 damaged beyond repair", "EXCEL", "damaged"),
        ("empty.csv", b"", "CSV", "empty"),
        ("latin1.csv", "name\nMünchen GmbH\n".encode("latin-1"), "CSV", "UTF-8"),
        ("no_header.csv", b"Globex SA,ESA12345678\n", "CSV", "required column(s): name"),
    ],
)
def test_an_unreadable_file_ends_in_error_in_file_format(
    api: httpx.Client,
    clock: ManualClock,
    filename: str,
    content: bytes,
    file_type: str | None,
    error: str,
) -> None:
    response = post(api, filename, 25004, filename, content)
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["fileType"]) == ("PROCESSING", file_type)
    clock.advance(60)
    record = status(api, response.json()["id"])
    assert record["state"] == "ERROR_IN_FILE_FORMAT"
    assert record["internationalizedState"] == "Error in file format"
    assert (record["rows"], record["totalToProcess"], record["percentageProcessed"]) == (0, 0, 0)
    assert record["analysisResult"]["valid"] is False
    assert error in record["analysisResult"]["error"]
    assert error in record["analysisResultJson"]
    summary = dict(sheets(api.get(f"/import/result/{record['id']}").content)["Summary"])
    assert error in summary["File problem"]


def test_a_header_missing_a_required_column_lists_it(api: httpx.Client, clock: ManualClock) -> None:
    content = xlsx(("date", "partner_code", "qty"), [("2026-03-31", "P-0100", 3)])
    import_id = start(api, "no product", 25011, "s.xlsx", content)
    clock.advance(60)
    analysis = status(api, import_id)["analysisResult"]
    assert analysis["missingColumns"] == ["product_code", "quantity"]
    assert analysis["ignoredColumns"] == ["qty"]


# --- status, list, cancel, result -----------------------------------------------------------


@pytest.mark.parametrize("import_id", ["999", "abc", "0"])
def test_an_unknown_import_id_is_invalid_everywhere(api: httpx.Client, import_id: str) -> None:
    invalid = {"errors": {"ProcessorInfo": "InvalidID"}}
    for response in (
        api.get(f"/import/status/{import_id}"),
        api.post(f"/import/cancel/{import_id}"),
        api.get(f"/import/result/{import_id}"),
    ):
        assert (response.status_code, response.json()) == (400, invalid)


def test_the_status_list_pages_and_filters_this_touchpoints_imports(
    api: httpx.Client, clock: ManualClock
) -> None:
    empty_sales = b"date,partner_code,product_code,quantity\n"
    first = start(api, "Week 1 sales", 25011, "s.csv", empty_sales)
    clock.advance(60)
    second = start(api, "Week 2 sales", 25011, "s.csv", empty_sales)
    third = start(api, "Stores", 25006, "l.csv", b"name\nMadrid\n")
    page = api.get("/import/status", params={"page": 1, "pageSize": 2}).json()
    assert [imp["id"] for imp in page["content"]] == [third, second]
    assert (page["page"], page["pageSize"], page["totalElements"], page["totalPages"]) == (
        1, 2, 3, 2
    )  # fmt: skip
    assert set(page["content"][0]) == RECORD_KEYS
    page_two = api.get("/import/status", params={"page": 2, "pageSize": 2}).json()
    assert [imp["id"] for imp in page_two["content"]] == [first]

    def ids(**params: str) -> list[int]:
        return [imp["id"] for imp in api.get("/import/status", params=params).json()["content"]]

    assert ids(state="PROCESSED") == ids(state="3") == [first]
    assert ids(state="processing,6") == [third, second]
    assert ids(type="25006") == [third]
    assert ids(name="sales") == [second, first]
    assert ids(state="WAITING") == []


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"page": "0"}, {"page": "InvalidPage"}),
        ({"page": "x"}, {"page": "InvalidPage"}),
        ({"pageSize": "101"}, {"pageSize": "InvalidPageSize"}),
        ({"pageSize": "0"}, {"pageSize": "InvalidPageSize"}),
        ({"state": "DONE"}, {"state": "InvalidState"}),
        ({"state": "7"}, {"state": "InvalidState"}),
        ({"type": "1"}, {"type": "InvalidImportType"}),
    ],
)
def test_the_status_list_refuses_bad_paging_and_filters(
    api: httpx.Client, params: dict[str, str], errors: dict[str, str]
) -> None:
    response = api.get("/import/status", params=params)
    assert (response.status_code, response.json()) == (400, {"errors": errors})


def test_cancel_stops_an_import_keeping_the_rows_processed_so_far(
    api: httpx.Client, clock: ManualClock, sandbox: SandboxServer
) -> None:
    rows = [(f"Company {i}", f"C-{i}") for i in range(10)]
    import_id = start(api, "to cancel", 25004, "c.csv", csv_bytes(("name", "external_code"), rows))
    clock.advance(sandbox.ctx.job_duration(10) * 0.45)
    response = api.post(f"/import/cancel/{import_id}")
    assert response.status_code == 200
    cancelled = response.json()
    assert (cancelled["state"], cancelled["internationalizedState"]) == ("CANCELED", "Cancelled")
    assert (cancelled["rows"], cancelled["rowsOk"], cancelled["percentageProcessed"]) == (4, 4, 40)
    clock.advance(60)
    later = status(api, import_id)
    assert (later["state"], later["rows"], later["totalToProcess"]) == ("CANCELED", 4, 10)
    outcomes = [line[1] for line in result_rows(api, import_id)[1:]]
    assert outcomes == ["OK"] * 4 + ["NOT PROCESSED"] * 6
    with sandbox.ctx.lock:
        stored = sandbox.ctx.db.execute("SELECT COUNT(*) FROM thalamus_records").fetchone()[0]
    assert stored == 4
    again = api.post(f"/import/cancel/{import_id}")
    assert (again.status_code, again.json()) == (
        400, {"errors": {"ProcessorInfo": "ImportNotInProgress"}}
    )  # fmt: skip


def test_a_finished_import_cannot_be_cancelled(api: httpx.Client, clock: ManualClock) -> None:
    import_id = start(api, "done", 25004, "c.csv", b"name\nGlobex\n")
    clock.advance(60)
    response = api.post(f"/import/cancel/{import_id}")
    assert (response.status_code, response.json()) == (
        400, {"errors": {"ProcessorInfo": "ImportNotInProgress"}}
    )  # fmt: skip
    assert status(api, import_id)["state"] == "PROCESSED"


def test_the_result_file_waits_for_the_end_then_lists_every_row(
    api: httpx.Client, clock: ManualClock
) -> None:
    header = ("date", "partner_code", "product_code", "quantity", "warehouse", "notes")
    rows = [
        ("2026-03-31", "P-0100", "SKU-123", 5, "North", ""),
        ("", "", "", "", "", ""),  # a blank row: skipped, but row numbers stay Excel's
        ("2026-03-31", "P-0300", "SKU-789", "-1", "South", ""),
        ("", "", "", "", "", "nothing to import"),
    ]
    import_id = start(api, "stock", 25012, "stock.xlsx", xlsx(header, rows))
    early = api.get(f"/import/result/{import_id}")
    assert (early.status_code, early.json()) == (
        409, {"errors": {"ProcessorInfo": "ImportInProgress"}}
    )  # fmt: skip
    clock.advance(60)
    response = api.get(f"/import/result/{import_id}")
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="import_{import_id}_result.xlsx"'
    book = sheets(response.content)
    assert book["Result"] == [
        ("Row", "Result", "Message", *header),
        (2, "OK", None, "2026-03-31", "P-0100", "SKU-123", "5", "North", None),
        (4, "ERROR", "quantity: -1 is below 0", "2026-03-31", "P-0300", "SKU-789", "-1", "South",
         None),
        (5, "SKIPPED", "The row has no values in the template's columns.",
         None, None, None, None, None, "nothing to import"),
    ]  # fmt: skip
    summary = dict(book["Summary"])
    assert (summary["State"], summary["Rows OK"], summary["Rows with errors"]) == (
        "Processed",
        1,
        1,
    )
    assert (summary["Rows skipped"], summary["Rows not processed"]) == (1, 0)


# --- stored records -------------------------------------------------------------------------


def stored(sandbox: SandboxServer, entity_type: int) -> dict[str, dict[str, str]]:
    with sandbox.ctx.lock:
        rows = sandbox.ctx.db.execute(
            "SELECT record_key, data FROM thalamus_records WHERE entity_type = ?", (entity_type,)
        ).fetchall()
    return {r["record_key"]: json.loads(r["data"]) for r in rows}


def test_a_later_company_import_updates_the_stored_companies(
    api: httpx.Client, clock: ManualClock, sandbox: SandboxServer
) -> None:
    header = ("name", "city", "external_code")
    first = start(api, "v1", 25004, "c.xlsx", xlsx(header, [("Globex", "Madrid", "C-1")]))
    clock.advance(60)
    second_rows = [("Globex Iberia", "", "C-1"), ("Initech", "Lisboa", "")]
    second = start(api, "v2", 25004, "c.xlsx", xlsx(header, second_rows))
    clock.advance(60)
    record = status(api, second)
    assert (record["rowsOk"], record["rowsWithErrors"]) == (2, 0)
    assert [line[2] for line in result_rows(api, first)[1:]] == ["Created"]
    assert [line[2] for line in result_rows(api, second)[1:]] == ["Updated", "Created"]
    assert stored(sandbox, 25004) == {
        # A blank cell keeps the value stored before.
        "external_code:C-1": {"name": "Globex Iberia", "city": "Madrid", "external_code": "C-1"},
        "name:initech": {"name": "Initech", "city": "Lisboa"},
    }


def test_locations_without_an_external_code_are_matched_by_name(
    api: httpx.Client, clock: ManualClock, sandbox: SandboxServer
) -> None:
    header = ("name", "country", "latitude", "longitude")
    start(api, "a", 25006, "l.csv", csv_bytes(header, [("Madrid store", "es", "40.4", "-3.7")]))
    start(api, "b", 25006, "l.csv", csv_bytes(header, [("MADRID STORE", "ES", "40.5", "-3.6")]))
    clock.advance(60)
    api.get("/import/status")  # records are written as the sandbox brings its imports up to date
    assert stored(sandbox, 25006) == {
        "name:madrid store": {
            "name": "MADRID STORE", "country": "ES", "latitude": "40.5", "longitude": "-3.6"
        }
    }  # fmt: skip


def test_sales_and_stock_rows_are_checked_but_not_stored(
    api: httpx.Client, clock: ManualClock, sandbox: SandboxServer
) -> None:
    start(api, "sales", 25011, "s.xlsx", xlsx(CASES[2].header, [CASES[2].good]))
    clock.advance(60)
    api.get("/import/status")
    assert stored(sandbox, 25011) == {}


# --- templates ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda c: str(c.kind))
def test_each_type_has_a_template_with_its_columns_described(api: httpx.Client, case: Case) -> None:
    response = api.get(f"/import/template/{case.kind}")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    book = sheets(response.content)
    data_sheet, help_sheet = list(book.values())
    assert data_sheet == [case.header]
    assert help_sheet[0] == ("Column", "Description", "Required", "Example")
    assert [line[0] for line in help_sheet[1:]] == list(case.header)
    required = {line[0] for line in help_sheet[1:] if line[2] == "Yes"}
    assert (
        required
        == {
            25006: {"name"},
            25004: {"name"},
            25011: {"date", "partner_code", "product_code", "quantity"},
            25012: {"date", "partner_code", "product_code", "quantity"},
        }[case.kind]
    )


@pytest.mark.parametrize("kind", ["25000", "sales"])
def test_an_unknown_template_type_is_refused(api: httpx.Client, kind: str) -> None:
    response = api.get(f"/import/template/{kind}")
    assert (response.status_code, response.json()) == (
        400, {"errors": {"type": "InvalidImportType"}}
    )  # fmt: skip


def test_a_template_filled_in_imports_cleanly(api: httpx.Client, clock: ManualClock) -> None:
    template = sheets(api.get("/import/template/25012").content)
    header = template["Partner stock"][0]
    examples = [line[3] for line in template["Columns"][1:]]
    import_id = start(api, "from template", 25012, "t.xlsx", xlsx(header, [examples]))
    clock.advance(60)
    assert status(api, import_id)["rowsOk"] == 1
