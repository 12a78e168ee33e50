"""The `rowboat` command line: argument parsing; the work is in commands.py over rowboat.core."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from rowboat import __version__
from rowboat.cli.connections import add_arguments as add_connections_arguments
from rowboat.cli.submit import add_arguments as add_submit_arguments
from rowboat.sandbox.command import add_arguments as add_sandbox_arguments

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["add_source_arguments", "add_validation_arguments", "build_parser", "main"]

EXIT_OK = 0
EXIT_INVALID_ROWS = 1
EXIT_ERROR = 2


EPILOG = """\
examples:
  rowboat gui                     open the window (it offers a sample to try)
  rowboat validate attendees.xlsx --endpoint plandocket.contacts --region DE
  rowboat submit attendees.xlsx --endpoint plandocket.contacts
                                  check, then send the valid rows (to the built-in
                                  Sandbox unless --connection names another)
  rowboat jobs                    the imports so far, newest first

`rowboat COMMAND --help` tells each command's options. Settings, data and logs live in
your user folders, or all in one folder named by ROWBOAT_HOME.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rowboat",
        description="Carry spreadsheet rows into event, learning and CRM systems:\n"
        "Thought Industries, Oracle Eloqua, Plandocket and Thalamus.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"rowboat {__version__}",
        help="print Rowboat's version and exit",
    )
    # In the order of an import: look, check, send, follow; then set-up and tools.
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    p = sub.add_parser("gui", help="open the desktop window (on FILE if given)")
    p.add_argument("file", metavar="FILE", nargs="?", help="a spreadsheet to open at once")
    p.add_argument(
        "--screenshot-tour",
        metavar="DIR",
        help="run the flow on FILE (default: the bundled sample) offscreen, save one PNG per "
        "step into DIR, and exit",
    )

    p = sub.add_parser(
        "inspect",
        help="show how a spreadsheet is read: sheets, header, columns, and every decision",
    )
    add_source_arguments(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of text")

    p = sub.add_parser(
        "validate",
        help="check a spreadsheet against an endpoint, offline",
        description="Check a spreadsheet against an endpoint, offline; nothing is sent. Exit "
        "status: 0 every row is valid, 1 some rows are invalid, 2 the file cannot be read or "
        "the arguments are wrong.",
    )
    add_source_arguments(p)
    p.add_argument("--endpoint", required=True, metavar="ID", help="endpoint id (see `endpoints`)")
    add_validation_arguments(p)
    p.add_argument(
        "--connection",
        metavar="NAME",
        help="check against the fields this connection's server defines (Eloqua, Thalamus)",
    )
    p.add_argument("--event", metavar="KEY", help="the Eloqua event whose fields to check against")
    p.add_argument("--report", metavar="OUT", help="export invalid rows with an Errors column")
    p.add_argument("--valid-out", metavar="OUT", help="export the normalised valid rows")
    p.add_argument("--save-profile", action="store_true", help="remember this mapping")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument(
        "--limit", type=int, default=50, metavar="N", help="problems to print in text mode (50)"
    )

    add_submit_arguments(sub)
    add_connections_arguments(sub)

    p = sub.add_parser("endpoints", help="list every target endpoint with its id")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--fields", action="store_true", help="also list each endpoint's fields")

    p = sub.add_parser("template", help="write an empty xlsx template for an endpoint")
    p.add_argument("endpoint", metavar="ID", help="endpoint id (see `endpoints`)")
    p.add_argument("out", metavar="OUT.xlsx", help="where to write it")
    p.add_argument("--schema", metavar="S.json", help="a schema file extending the endpoint")

    p = sub.add_parser(
        "sandbox",
        help="run the local sandbox that behaves like every vendor's API (Ctrl+C stops it)",
        description="One local server on 127.0.0.1 that behaves like Thought Industries, Eloqua, "
        "Plandocket and Thalamus, for trying imports with no account. Ctrl+C stops it.",
    )
    add_sandbox_arguments(p)
    _describe_commands(parser)
    return parser


def _describe_commands(parser: argparse.ArgumentParser) -> None:
    """A command's own --help opens with the line the list of commands gives it, when it has no
    description of its own (argparse leaves it blank)."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for choice in action._choices_actions:
            command = action.choices[choice.dest]
            if command.description is None and choice.help:
                command.description = choice.help[0].upper() + choice.help[1:] + "."
            _describe_commands(command)


def add_validation_arguments(p: argparse.ArgumentParser) -> None:
    """How the file's columns are matched and its values checked (validate, submit)."""
    p.add_argument("--mapping", metavar="M.json", help="a mapping file; unnamed fields are matched")
    p.add_argument("--schema", metavar="S.json", help="a schema file extending the endpoint")
    p.add_argument("--region", metavar="CC", help="country for phones without +code, e.g. DE")
    p.add_argument(
        "--decimal-comma",
        choices=["auto", "yes", "no"],
        default="auto",
        help="whether numbers use a decimal comma (149,50)",
    )
    p.add_argument(
        "--date-order",
        choices=["DMY", "MDY", "YMD"],
        type=str.upper,
        help="how dates like 03/04/2026 read: day first (DMY), month first (MDY) or year first "
        "(YMD); default: decided per column and shown",
    )
    p.add_argument(
        "--serial-dates",
        choices=["auto", "yes", "no"],
        default="auto",
        help="whether numbers like 46023.5 in a date column are Excel dates (default: yes)",
    )
    p.add_argument(
        "--name-order",
        choices=["first last", "last first"],
        help='which part of a full name without a comma comes first (default: "first last")',
    )
    p.add_argument("--no-profile", action="store_true", help="ignore remembered mappings")


def add_source_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "file", metavar="FILE", help="the spreadsheet: xlsx, xlsm, xls, ods, csv, tsv, txt"
    )
    p.add_argument(
        "--sheet",
        metavar="NAME",
        help="sheet name or 1-based number (default: the first with data)",
    )
    p.add_argument("--header-row", type=int, metavar="N", help="1-based row of the header")
    p.add_argument(
        "--encoding", metavar="NAME", help="text encoding of a csv/txt file (default: detected)"
    )
    p.add_argument(
        "--delimiter", metavar="CHAR", help="delimiter of a csv/txt file (default: detected)"
    )
    p.add_argument(
        "--quote",
        choices=['"', "none"],
        default='"',
        help='in a csv/txt file, whether "double quotes" enclose a cell (default) or are text',
    )
    p.add_argument(
        "--skip-hidden-rows",
        action="store_true",
        help="leave out the rows an xlsx hides (by hand or by its AutoFilter)",
    )
    p.add_argument(
        "--skip-totals-row",
        action="store_true",
        help="leave out a totals row at the end of the table",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command is None:  # `rowboat` alone: the list of commands, as a usage error
        parser.print_help(sys.stderr)
        return EXIT_ERROR

    from rowboat.cli.commands import run

    return run(args)
