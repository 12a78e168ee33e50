"""Thalamus sandbox: the file import routes (upload, status, list, cancel, result, templates)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from rowboat.sandbox import thalamus_store as store
from rowboat.sandbox.spreadsheets import (
    UnreadableFile,
    UploadTooLarge,
    read_numbered_rows,
    write_xlsx,
)
from rowboat.sandbox.thalamus_auth import errors
from rowboat.sandbox.thalamus_store import STATE_CODES, State, Upload
from rowboat.sandbox.thalamus_templates import (
    IMPORT_TYPES,
    ImportType,
    Outcome,
    analyse,
    check_row,
    template_xlsx,
)

if TYPE_CHECKING:
    import sqlite3

    from starlette.requests import Request
    from starlette.routing import BaseRoute

    from rowboat.sandbox.context import SandboxContext
    from rowboat.sandbox.thalamus_auth import Gate, Session

__all__ = ["MAX_FILE_BYTES", "MAX_NAME_LENGTH", "MAX_PAGE_SIZE", "import_routes"]

MAX_FILE_BYTES = 20 * 1024 * 1024  # larger uploads are refused before anything is stored
MAX_NAME_LENGTH = 255
MAX_PAGE_SIZE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DUPLICATED_NAME = {  # exactly as the vendor's page shows it
    "ProcessorInfo": "DuplicatedName",
    "execution.ProcessorInfo": "execution.ProcessorInfo: DuplicatedName",
}


def _file_type(filename: str, data: bytes) -> str | None:
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm", ".xls")) or data[:4] == b"PK\x03\x04":
        return "EXCEL"
    if name.endswith((".csv", ".txt", ".tsv")):
        return "CSV"
    return None


def _checked_rows(
    kind: ImportType, data: bytes, filename: str
) -> tuple[list[str], dict[str, Any], list[tuple[int, list[str], str, str]], bool]:
    """Read and check the upload: header, analysis, rows with outcomes, and whether it was readable.

    Runs in a worker thread: a large workbook takes a while to read.
    """
    try:
        header, rows = read_numbered_rows(data, filename)
    except UploadTooLarge:
        raise  # answered as the vendor answers a file over its size
    except UnreadableFile as exc:
        analysis = {"valid": False, "columns": [], "ignoredColumns": [], "missingColumns": []}
        return [], {**analysis, "error": f"The file cannot be read: {exc}.", "map": {}}, [], False
    found = analyse(kind, header)
    report = {**found.as_json(), "map": found.columns}
    if found.missing:
        return header, report, [], False
    checked = [
        (number, [row.get(h, "") for h in header], *check_row(kind, found, row))
        for number, row in rows
    ]
    return header, report, checked, True


async def _upload_parts(request: Request) -> tuple[dict[str, str], tuple[str, bytes] | None]:
    """The upload's text fields (query, then headers, then form) and its file (name, bytes)."""
    async with request.form(max_files=1, max_fields=20) as form:
        part = form.get("file")
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        # Read inside the form's context: the spooled file closes with it.
        if isinstance(part, UploadFile):
            upload = (part.filename or "upload", await part.read())
        else:
            upload = None
    for key in ("name", "type"):
        value = request.query_params.get(key) or request.headers.get(key)
        if value:
            fields[key] = value
    return fields, upload


def import_routes(ctx: SandboxContext, gate: Gate) -> list[BaseRoute]:
    """The routes of /api/v4/import/..., all behind a live session."""

    def lookup(session: Session, import_id: str) -> sqlite3.Row | JSONResponse:
        store.settle(ctx)
        found = store.fetch(ctx, session.touchpoint, import_id)
        return found if found is not None else errors(400, ProcessorInfo="InvalidID")

    async def upload_file(request: Request, session: Session) -> Response:
        try:
            fields, upload = await _upload_parts(request)
        except HTTPException:
            return errors(400, file="MalformedMultipart")
        name = fields.get("name", "").strip()
        kind = _import_type(fields.get("type", ""))
        problems = _upload_problems(name, kind, upload)
        if problems or kind is None or upload is None:
            return errors(400, **problems)
        store.settle(ctx)  # earlier imports' rows are stored before this one's
        if store.name_taken(ctx, session.touchpoint, name):  # before reading a large file
            return errors(400, **DUPLICATED_NAME)
        filename, data = upload
        try:
            header, analysis, rows, readable = await run_in_threadpool(
                _checked_rows, kind, data, filename
            )
        except UploadTooLarge:
            return errors(400, file="FileTooLarge")
        new = Upload(
            touchpoint=session.touchpoint, user_id=session.user_id, name=name, type=kind.code,
            file_name=filename, file_type=_file_type(filename, data), file_size=len(data),
            header=header, analysis=analysis, rows=rows, readable=readable,
        )  # fmt: skip
        import_id = store.insert(ctx, new)
        if import_id is None:  # another upload took the name meanwhile
            return errors(400, **DUPLICATED_NAME)
        found = store.fetch(ctx, session.touchpoint, str(import_id))
        assert found is not None
        return JSONResponse(store.record_json(ctx, found))

    async def status(request: Request, session: Session) -> Response:
        found = lookup(session, request.path_params["import_id"])
        if isinstance(found, JSONResponse):
            return found
        return JSONResponse(store.record_json(ctx, found))

    async def status_list(request: Request, session: Session) -> Response:
        query = _list_query(request)
        if isinstance(query, JSONResponse):
            return query
        where, args, page, size = query
        store.settle(ctx)
        with ctx.lock:
            total = ctx.db.execute(
                f"SELECT COUNT(*) FROM thalamus_imports WHERE {where}", (session.touchpoint, *args)
            ).fetchone()[0]
            found = ctx.db.execute(
                f"SELECT * FROM thalamus_imports WHERE {where} ORDER BY id DESC LIMIT ? OFFSET ?",
                (session.touchpoint, *args, size, (page - 1) * size),
            ).fetchall()
        return JSONResponse(
            {
                "content": [store.record_json(ctx, imp) for imp in found],
                "page": page,
                "pageSize": size,
                "totalElements": total,
                "totalPages": -(-total // size),
            }
        )

    async def cancel(request: Request, session: Session) -> Response:
        found = lookup(session, request.path_params["import_id"])
        if isinstance(found, JSONResponse):
            return found
        if found["state"] != State.PROCESSING:
            return errors(400, ProcessorInfo="ImportNotInProgress")
        with ctx.lock:
            ctx.db.execute(
                "UPDATE thalamus_imports SET state = ?, ended_at = ? WHERE id = ?",
                (State.CANCELED, ctx.clock.now(), found["id"]),
            )
        cancelled = store.fetch(ctx, session.touchpoint, str(found["id"]))
        assert cancelled is not None
        return JSONResponse(store.record_json(ctx, cancelled))

    async def result(request: Request, session: Session) -> Response:
        found = lookup(session, request.path_params["import_id"])
        if isinstance(found, JSONResponse):
            return found
        if found["state"] == State.PROCESSING:
            return errors(409, ProcessorInfo="ImportInProgress")
        with ctx.lock:
            rows = ctx.db.execute(
                "SELECT * FROM thalamus_import_rows WHERE import_id = ? ORDER BY position",
                (found["id"],),
            ).fetchall()
        summary = store.record_json(ctx, found)
        content = await run_in_threadpool(_result_xlsx, found, rows, summary)
        return _attachment(content, f"import_{found['id']}_result.xlsx")

    async def template(request: Request, session: Session) -> Response:
        kind = _import_type(request.path_params["type"])
        if kind is None:
            return errors(400, type="InvalidImportType")
        slug = kind.label.lower().replace(" ", "_")
        return _attachment(template_xlsx(kind), f"template_{kind.code}_{slug}.xlsx")

    return [
        Route("/api/v4/import/file", gate.session(upload_file), methods=["POST"]),
        Route("/api/v4/import/file/", gate.session(upload_file), methods=["POST"]),
        Route("/api/v4/import/status", gate.session(status_list), methods=["GET"]),
        Route("/api/v4/import/status/{import_id}", gate.session(status), methods=["GET"]),
        Route("/api/v4/import/cancel/{import_id}", gate.session(cancel), methods=["POST"]),
        Route("/api/v4/import/result/{import_id}", gate.session(result), methods=["GET"]),
        Route("/api/v4/import/template/{type}", gate.session(template), methods=["GET"]),
    ]


def _import_type(text: str) -> ImportType | None:
    text = text.strip()
    return IMPORT_TYPES.get(int(text)) if text.isdigit() else None


def _upload_problems(
    name: str, kind: ImportType | None, upload: tuple[str, bytes] | None
) -> dict[str, str]:
    """Everything wrong with an upload's parameters, by parameter, in the vendor's codes."""
    problems: dict[str, str] = {}
    if not name:
        problems["name"] = "NameRequired"
    elif len(name) > MAX_NAME_LENGTH:
        problems["name"] = "NameTooLong"
    if kind is None:
        problems["type"] = "InvalidImportType"
    if upload is None:
        problems["file"] = "FileRequired"
    elif len(upload[1]) > MAX_FILE_BYTES:
        problems["file"] = "FileTooLarge"
    return problems


def _list_query(request: Request) -> tuple[str, list[object], int, int] | JSONResponse:
    """The list's SQL filter, its arguments, the page and its size; or why the query is wrong."""
    params = request.query_params
    page_text, size_text = params.get("page", "1"), params.get("pageSize", "20")
    if not page_text.isdigit() or int(page_text) < 1:
        return errors(400, page="InvalidPage")
    if not size_text.isdigit() or not 1 <= int(size_text) <= MAX_PAGE_SIZE:
        return errors(400, pageSize="InvalidPageSize")
    where: list[str] = ["touchpoint = ?"]
    args: list[object] = []
    if params.get("state"):
        states = [_state_name(s) for s in params["state"].split(",")]
        if None in states:
            return errors(400, state="InvalidState")
        where.append(f"state IN ({', '.join('?' * len(states))})")
        args.extend(states)
    if params.get("type"):
        if not params["type"].isdigit() or int(params["type"]) not in IMPORT_TYPES:
            return errors(400, type="InvalidImportType")
        where.append("type = ?")
        args.append(int(params["type"]))
    if params.get("name"):
        where.append("instr(lower(name), lower(?)) > 0")
        args.append(params["name"])
    return " AND ".join(where), args, int(page_text), int(size_text)


def _state_name(text: str) -> str | None:
    """A state asked for by name (PROCESSING) or by the vendor's number (2)."""
    text = text.strip().upper()
    if text.isdigit():
        return STATE_CODES.get(int(text))
    return text if text in STATE_CODES.values() else None


def _result_xlsx(imp: sqlite3.Row, rows: list[sqlite3.Row], summary: dict[str, Any]) -> bytes:
    """Every row of the upload with its outcome, then a summary sheet."""
    header = json.loads(imp["header"])
    lines = [
        (
            r["row_number"],  # as Excel shows it: blank rows skipped but counted
            r["outcome"] if r["position"] < imp["processed"] else Outcome.NOT_PROCESSED,
            r["message"] if r["position"] < imp["processed"] else "",
            *json.loads(r["cells"]),
        )
        for r in rows
    ]
    analysis = summary["analysisResult"] or {}
    facts = [
        ("Import", imp["id"]),
        ("Name", imp["name"]),
        ("File", imp["file_name"]),
        ("Type", f"{imp['type']} {IMPORT_TYPES[imp['type']].label}"),
        ("State", summary["internationalizedState"]),
        ("Rows in the file", imp["total"]),
        ("Rows processed", summary["rows"]),
        ("Rows OK", summary["rowsOk"]),
        ("Rows with errors", summary["rowsWithErrors"]),
        ("Rows skipped", summary["rowsSkipped"]),
        ("Rows not processed", imp["total"] - summary["rows"]),
        ("File problem", analysis.get("error") or ""),
    ]
    return write_xlsx(
        [
            ("Result", ["Row", "Result", "Message", *header], lines),
            ("Summary", ["Item", "Value"], facts),
        ]
    )


def _attachment(content: bytes, filename: str) -> Response:
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
