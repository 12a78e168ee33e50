"""Telling a file's format from its first bytes, not only from its name."""

from __future__ import annotations

import zipfile
from typing import TYPE_CHECKING

from rowboat.core.errors import EmptyFile, NotASpreadsheet, PasswordProtected

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["detect_format"]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".txt": "txt"}
_BINARY_MAGIC = (
    *(b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf"),
    *(b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe"),  # programs
)


def detect_format(path: Path) -> str:
    """One of xlsx, xlsm, xls, ods, csv, tsv, txt; a SourceError for anything else."""
    name = path.name
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        raise NotASpreadsheet(
            f"'{name}' was not found.", hint="Check the folder and the file name."
        ) from None
    except OSError as exc:
        raise NotASpreadsheet(
            f"'{name}' could not be opened.",
            hint="Close it in other programs and check you may read it.",
            detail=str(exc),
        ) from exc
    if not head:
        raise EmptyFile(f"'{name}' is empty.", hint="Choose the file that holds your rows.")
    if head.startswith(b"PK"):
        return _zip_format(path)
    if head.startswith(_OLE):
        with path.open("rb") as f:
            body = f.read(1 << 20)
        if "EncryptedPackage".encode("utf-16-le") in body:
            raise PasswordProtected(
                f"'{name}' is protected with a password.",
                hint="Open it in Excel, remove the password (File › Info › Protect Workbook), "
                "and save it again.",
            )
        return "xls"
    if head.startswith(_BINARY_MAGIC):
        raise _not_a_spreadsheet(name)
    return _TEXT_SUFFIXES.get(path.suffix.lower(), "csv")


def _zip_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "xl/workbook.xml" in names:
                return "xlsm" if path.suffix.lower() == ".xlsm" else "xlsx"
            if "content.xml" in names and "mimetype" in names:
                return "ods"
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
        # NotImplementedError: a directory naming a zip version or method zipfile lacks.
        raise _not_a_spreadsheet(path.name, str(exc)) from exc
    raise _not_a_spreadsheet(path.name)


def _not_a_spreadsheet(name: str, detail: str = "") -> NotASpreadsheet:
    return NotASpreadsheet(
        f"'{name}' is not a spreadsheet Rowboat can read (it may be damaged or another kind "
        "of file).",
        hint="Open it in Excel and save it again as .xlsx, or export it as CSV.",
        detail=detail,
    )
