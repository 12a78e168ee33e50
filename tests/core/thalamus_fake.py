"""A small in-memory Thalamus behind httpx.MockTransport, for the client's and carrier's unit tests.

It answers the routes Rowboat uses the way the vendor's pages (and the sandbox) describe, records
every request, and lets a test queue an answer (or an exception) for the next call to a path.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
from openpyxl import Workbook

from rowboat.core.clients._http import RetryPolicy
from rowboat.core.clients.thalamus import ThalamusClient
from rowboat.core.connections.model import Connection

if TYPE_CHECKING:
    from collections.abc import Sequence

BASE = "https://tenant.thalamus.example/api/v4"
TOUCHPOINT, TOKEN, USER, PASSWORD = "shop-tp", "tok-SECRET-123", "ana@example.com", "pw-SECRET-9"
FAST = RetryPolicy(attempts=4, base_delay=0.001, max_delay=0.002, timeout=1.0)

Answer = httpx.Response | Exception


def xlsx(sheets: Sequence[tuple[str, Sequence[Sequence[object]]]]) -> bytes:
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def errors(status: int, **codes: str) -> httpx.Response:
    return httpx.Response(status, json={"errors": codes})


@dataclass
class FakeThalamus:
    """The server's state: imports by id, result lines by id, and what was asked of it."""

    requests: list[httpx.Request] = field(default_factory=list)
    imports: dict[int, dict[str, Any]] = field(default_factory=dict)
    results: dict[int, list[tuple[object, ...]]] = field(default_factory=dict)
    queued: dict[str, deque[Answer]] = field(default_factory=lambda: defaultdict(deque))
    template: bytes = b""
    logged_in: bool = False

    def queue(self, path: str, *answers: Answer) -> None:
        """Answer the next calls to `path` (below the API address) with these, in order."""
        self.queued[path].extend(answers)

    def paths(self, method: str | None = None) -> list[str]:
        prefix = httpx.URL(BASE).path
        return [
            r.url.path.removeprefix(prefix)
            for r in self.requests
            if method is None or r.method == method
        ]

    def add_import(self, name: str, state: str = "PROCESSING", **fields: Any) -> dict[str, Any]:
        import_id = len(self.imports) + 1
        record = {
            "id": import_id, "name": name, "state": state, "internationalizedState": state.title(),
            "rows": 0, "rowsOk": 0, "rowsWithErrors": 0, "rowsSkipped": 0, "totalToProcess": 0,
            "percentageProcessed": 0, "owner": {"id": 268, "entityType": 25011},
            "analysisResult": None, **fields,
        }  # fmt: skip
        self.imports[import_id] = record
        return record

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path.removeprefix(httpx.URL(BASE).path)
        if self.queued[path]:
            answer = self.queued[path].popleft()
            if isinstance(answer, Exception):
                raise answer
            return answer
        if path == "/login":
            self.logged_in = True
            return httpx.Response(
                200,
                json={"principal": USER, "fullName": "Ana Ruiz", "name": "Ana"},
                headers={"Set-Cookie": "JSESSIONID=ABC; Path=/; HttpOnly"},
            )
        if path == "/logout":
            return httpx.Response(200, json={"loggedOut": True})
        if path == "/me":
            return httpx.Response(200, json={"principal": USER, "fullName": "Ana Ruiz"})
        if path == "/import/file":
            name = request.url.params["name"]
            if any(i["name"] == name for i in self.imports.values()):
                return httpx.Response(
                    400,
                    json={"errors": {"ProcessorInfo": "DuplicatedName",
                                     "execution.ProcessorInfo": "execution.ProcessorInfo: "
                                     "DuplicatedName"}},
                )  # fmt: skip
            entity = int(request.url.params["type"])
            return httpx.Response(
                200, json=self.add_import(name, owner={"id": 268, "entityType": entity})
            )
        if path == "/import/status":
            part = request.url.params.get("name", "").casefold()
            found = [i for i in reversed(self.imports.values()) if part in i["name"].casefold()]
            return httpx.Response(
                200,
                json={"content": found, "page": 1, "pageSize": 100,
                      "totalElements": len(found), "totalPages": 1},
            )  # fmt: skip
        if path.startswith("/import/status/"):
            record = self.imports.get(int(path.rsplit("/", 1)[1]))
            if record is None:
                return errors(400, ProcessorInfo="InvalidID")
            return httpx.Response(200, json=record)
        if path.startswith("/import/result/"):
            lines = self.results[int(path.rsplit("/", 1)[1])]
            return httpx.Response(200, content=xlsx([("Result", lines)]))
        if path.startswith("/import/template/"):
            return httpx.Response(200, content=self.template)
        return errors(404, request="NotFound")


def connection(**settings: str) -> Connection:
    values = {"touchpoint": TOUCHPOINT, "principal": USER, **settings}
    return Connection(name="Work", system="thalamus", base_url=BASE, settings=values)


SECRETS = {"token": TOKEN, "password": PASSWORD}


def client(
    fake: FakeThalamus, sleeps: list[float] | None = None, **settings: str
) -> ThalamusClient:
    def sleep(seconds: float, report: object) -> None:
        if sleeps is not None:
            sleeps.append(seconds)

    return ThalamusClient(
        connection(**settings),
        SECRETS,
        policy=FAST,
        transport=httpx.MockTransport(fake.handler),
        sleep=sleep,
    )


def body(request: httpx.Request) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(request.content)
    return value
