"""What each `rowboat` command does, over rowboat.core; heavy libraries are imported lazily."""

from __future__ import annotations

import logging
import traceback
from typing import TYPE_CHECKING

from rowboat.cli.output import TextProgress, emit_json, print_error
from rowboat.core.lists import short_list

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from rowboat.core.mapping import Mapping
    from rowboat.core.table import Table
    from rowboat.core.targets.schema import Endpoint
    from rowboat.core.validation import ValidationOptions, ValidationResult

__all__ = ["run"]

log = logging.getLogger("rowboat.cli")

EXIT_OK, EXIT_INVALID_ROWS, EXIT_ERROR = 0, 1, 2


def run(args: argparse.Namespace) -> int:
    """Run one parsed command; every failure becomes a plain message and exit status 2."""
    from rowboat.cli.submit import commands as submit_commands
    from rowboat.core.errors import RowboatError

    commands = {
        "endpoints": _endpoints,
        "inspect": _inspect,
        "validate": _validate,
        "template": _template,
        "sandbox": _sandbox,
        "gui": _gui,
        "connections": _connections,
        **submit_commands(),
    }
    try:
        return commands[args.command](args)
    except RowboatError as exc:
        print_error(exc.message, exc.hint)
        if exc.detail:
            log.debug("detail: %s", exc.detail)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print_error("Stopped.", "")
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (`rowboat jobs | head`): stop quietly, as other tools do.
        import os
        import sys

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception:  # noqa: BLE001 - the last line of defence: a log file, never a traceback
        log_path = _write_crash_log(traceback.format_exc())
        print_error(
            "Rowboat hit an unexpected problem and stopped. Your file was not changed.",
            f"The technical details were written to {log_path}; please send it to support.",
        )
        return EXIT_ERROR


def _gui(args: argparse.Namespace) -> int:
    from rowboat.gui.app import main as gui_main

    return gui_main(args.file, args.screenshot_tour)


def _sandbox(args: argparse.Namespace) -> int:
    from rowboat.sandbox.command import run as run_sandbox

    return run_sandbox(args)


def _connections(args: argparse.Namespace) -> int:
    from rowboat.cli.connections import run as run_connections

    return run_connections(args)


def _write_crash_log(text: str) -> Path:
    from rowboat.core.paths import log_dir

    folder = log_dir()  # under ROWBOAT_HOME when set, like every other file Rowboat writes
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "rowboat-cli.log"
    with path.open("a", encoding="utf-8") as f:
        f.write(text + "\n")
    return path


def endpoint_for(endpoint_id: str, schema: str | None) -> Endpoint:
    from rowboat.core.targets import get_endpoint, load_schema_file

    if schema:
        endpoint = load_schema_file(schema)
        if endpoint.id != endpoint_id:
            from rowboat.core.errors import ConfigurationError

            raise ConfigurationError(
                f"The schema file '{schema}' is for '{endpoint.id}', not '{endpoint_id}'.",
                hint="Use the schema file of the endpoint you import into.",
            )
        return endpoint
    return get_endpoint(endpoint_id)


def _endpoints(args: argparse.Namespace) -> int:
    from rowboat.core.targets import list_endpoints

    endpoints = list_endpoints()
    if args.json:
        emit_json(
            [
                {
                    "id": e.id,
                    "system": e.system_label,
                    "label": e.label,
                    "description": e.description,
                    "batch_size": e.batch_size,
                    "fields": [f.model_dump(mode="json") for f in e.fields],
                }
                for e in endpoints
            ]
        )
        return EXIT_OK
    width = max(len(e.id) for e in endpoints)
    for e in endpoints:
        print(f"{e.id:<{width}}  {e.system_label}: {e.label}")
        if args.fields:
            for f in e.fields:
                star = " (required)" if f.required else ""
                print(f"{'':<{width}}    {f.key:<24} {f.type.value}{star}")
    return EXIT_OK


def open_source(args: argparse.Namespace, report: TextProgress) -> Table:
    from rowboat.core.sources import list_sheets, open_table

    sheet: str | int | None = args.sheet
    if isinstance(sheet, str) and sheet.isdigit() and sheet not in list_sheets(args.file):
        sheet = int(sheet) - 1  # the user counts sheets from 1
    return open_table(
        args.file,
        sheet=sheet,
        header_row=args.header_row,
        encoding=args.encoding,
        delimiter=args.delimiter,
        report=report,
    )


def _inspect(args: argparse.Namespace) -> int:
    report = TextProgress("Reading")
    table = open_source(args, report)
    report.done()
    info = table.info
    data = {
        "file": str(info.path),
        "format": info.format,
        "encoding": info.encoding,
        "delimiter": info.delimiter,
        "sheets": list(info.sheets),
        "sheet": info.sheet,
        "header_row": info.header_row,
        "header_detected": info.header_detected,
        "columns": table.columns,
        "rows": len(table),
        "first_row": int(table.source_rows[0]) if len(table) else None,
        "last_row": int(table.source_rows[-1]) if len(table) else None,
        "notes": list(table.notes),
    }
    if args.json:
        emit_json(data)
        return EXIT_OK
    print(f"File:       {info.path}")
    print(f"Format:     {info.format}")
    if info.encoding:
        print(f"Encoding:   {info.encoding}")
    if info.delimiter:
        print(f"Delimiter:  {_delimiter_name(info.delimiter)}")
    if info.sheets:
        print(f"Sheets:     {', '.join(info.sheets)} (reading '{info.sheet}')")
    how = "found automatically" if info.header_detected else "as given"
    print(f"Header:     row {info.header_row} ({how})")
    if len(table):
        print(f"Rows:       {len(table)} (rows {data['first_row']}–{data['last_row']} of the file)")
    else:
        print("Rows:       none below the header")
    print("Columns:")
    for i, name in enumerate(table.columns, start=1):
        print(f"  {i:>3}. {name}")
    for note in table.notes:
        print(f"Note: {note}")
    return EXIT_OK


def _delimiter_name(delimiter: str) -> str:
    names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
    return names.get(delimiter, repr(delimiter))


def mapping_for(args: argparse.Namespace, table: Table, endpoint: Endpoint) -> tuple[Mapping, str]:
    """The mapping to use and where it came from: a file over the automatic match, or a profile."""
    from rowboat.core.mapping import ProfileStore, load_mapping, match_columns, merge

    auto = match_columns(table.columns, endpoint, sample=table.frame.head(200))
    if args.mapping:
        return merge(auto, load_mapping(args.mapping, endpoint)), f"mapping file {args.mapping}"
    if not args.no_profile:
        saved = ProfileStore().find(table.columns, endpoint.id)
        if saved is not None:
            return saved, "the mapping remembered for these columns"
    return auto, "matched automatically"


def _validate(args: argparse.Namespace) -> int:
    from rowboat.core.mapping import ProfileStore
    from rowboat.core.validation import validate

    endpoint = endpoint_for(args.endpoint, args.schema)  # check the cheap arguments before reading
    report = TextProgress("Reading")
    table = open_source(args, report)
    if args.connection and not args.schema:
        endpoint = _server_endpoint(args, endpoint, report)
    mapping, origin = mapping_for(args, table, endpoint)
    report.what = "Checking"
    result = validate(table, endpoint, mapping, validation_options(args), report=report)
    report.done()
    if args.save_profile:
        ProfileStore().save(table.columns, mapping)
    written = _write_reports(args, result)
    if args.json:
        emit_json(_result_json(result, origin, written))
    else:
        _print_result(result, origin, written, args.limit)
    return EXIT_OK if result.invalid_count == 0 and not result.blockers else EXIT_INVALID_ROWS


def _server_endpoint(
    args: argparse.Namespace, endpoint: Endpoint, report: TextProgress
) -> Endpoint:
    """The fields the connection's server defines for the endpoint (or its cached copy)."""
    import contextlib

    from rowboat.cli.submit import resolve, server_endpoint

    with contextlib.ExitStack() as stack:
        connection, secrets = resolve(args.connection, endpoint.system, stack)
        return server_endpoint(endpoint, connection, secrets, args.event, report)


def validation_options(args: argparse.Namespace) -> ValidationOptions:
    from rowboat.core.validation import ValidationOptions

    return ValidationOptions(
        default_region=(args.region or _default_region()).upper(),
        decimal_comma={"auto": None, "yes": True, "no": False}[args.decimal_comma],
    )


def _default_region() -> str:
    """The country of the user's locale (de_DE -> DE), for phones written without +code."""
    import locale

    lang = locale.getlocale()[0] or ""
    if "_" in lang and len(lang.split("_")[1][:2]) == 2:
        return lang.split("_")[1][:2]
    return "US"


def _write_reports(args: argparse.Namespace, result: ValidationResult) -> dict[str, str]:
    from rowboat.core.reports import export_invalid, export_valid

    written: dict[str, str] = {}
    if args.report:
        written["invalid_rows"] = str(export_invalid(result, args.report))
    if args.valid_out:
        written["valid_rows"] = str(export_valid(result, args.valid_out))
    return written


def _result_json(result: ValidationResult, origin: str, written: dict[str, str]) -> object:
    from rowboat.core.mapping.explanations import details

    table, info = result.table, result.table.info
    return {
        "file": str(info.path),
        "format": info.format,
        "sheet": info.sheet,
        "encoding": info.encoding,
        "delimiter": info.delimiter,
        "endpoint": result.endpoint.id,
        "rows": len(table),
        "valid": result.valid_count,
        "invalid": result.invalid_count,
        "header_row": info.header_row,
        "columns": table.columns,
        "mapping": result.mapping.column_to_field(),
        "mapping_origin": origin,
        "mapping_details": details(result.mapping, result.endpoint),
        "unmapped_required": [
            f.key
            for f in result.endpoint.required_fields
            if result.mapping.for_field(f.key) is None
        ],
        "blockers": list(result.blockers),
        "notes": list(table.notes),
        "reports": written,
        "issues": [
            {
                "row": i.row,
                "column": i.column,
                "field": i.field,
                "code": i.code,
                "message": i.message,
            }
            for i in result.issue_list()
        ],
    }


def _print_result(
    result: ValidationResult, origin: str, written: dict[str, str], limit: int
) -> None:
    table, info, endpoint = result.table, result.table.info, result.endpoint
    where = f", sheet '{info.sheet}'" if info.sheet else ""
    print(f"{info.path.name}{where}: header on row {info.header_row}, {len(table)} rows")
    print(f"Endpoint: {endpoint.system_label} · {endpoint.label} ({endpoint.id})")
    print(f"Columns ({origin}):")
    for source in result.mapping.sources:
        label = endpoint.field(source.field).label
        if source.constant is not None:
            what = f"always '{source.constant}'"
        else:
            what = " + ".join(f"'{c}'" for c in source.columns)
            if source.split_name is not None:
                what += f" ({source.split_name.value} part)"
        confidence = "" if source.confidence >= 0.999 else f", {source.confidence:.0%} sure"
        print(f"  {what} → {label} [{source.method.value}{confidence}]")
    used = {c for s in result.mapping.sources for c in s.columns}
    unused = [c for c in table.columns if c not in used]
    if unused:
        print(f"  not imported: {short_list(unused, 10)}")
    for note in table.notes:
        print(f"Note: {note}")
    for blocker in result.blockers:
        print(f"Problem: {blocker}")
    print(f"{result.valid_count} valid, {result.invalid_count} invalid")
    issues = result.issue_list(limit=limit)
    for issue in issues:
        column = f"{issue.column}: " if issue.column else ""
        print(f"  Row {issue.row}  {column}{issue.message}")
    total = len(result.issues)
    if total > len(issues):
        print(f"  … and {total - len(issues)} more problems (use --report FILE to export them all)")
    for what, path in written.items():
        print(f"Wrote {what.replace('_', ' ')} to {path}")


def _template(args: argparse.Namespace) -> int:
    from rowboat.core.templates import write_template

    endpoint = endpoint_for(args.endpoint, args.schema)
    path = write_template(endpoint, args.out)
    print(f"Wrote an empty {endpoint.system_label} · {endpoint.label} template to {path}")
    return EXIT_OK
