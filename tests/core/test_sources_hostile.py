"""Hostile files: every one is read or refused plainly, in time and memory a normal file needs.

Each test builds its files here (a few MB at most: a bomb's directory may claim gigabytes it does
not hold) and reads them in forked children of one measuring process, so every file's CPU time
and peak memory are its own and are compared with a normal file of about the same size read the
same way, in the same test: ratios, never absolute times. On main several of these files crashed
the process (calamine aborts on a dense grid of 550 GB) or held gigabytes; the children run under
an address-space cap, so such a regression fails the test instead of the machine. Over 400 lines:
the builders of hostile files and the measuring harness are shared with the sandbox's tests.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rowboat.core.errors import NotASpreadsheet, PasswordProtected, SourceError
from rowboat.core.lists import short_list
from rowboat.core.sources import open_table
from rowboat.core.sources.cell_span import CellSpan
from rowboat.core.sources.limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_LINE_BYTES,
    MAX_SHEET_ROWS,
    MAX_TEXT_ROWS,
    BeyondLimit,
)

if TYPE_CHECKING:
    from pathlib import Path

CPU_RATIO = 4.0  # a hostile file may cost at most this times the CPU of a normal one
MEMORY_RATIO = 1.5  # and at most this times its peak memory (both include the interpreter)

# Runs in a child process: imports once, then forks one grandchild per file so each file's
# rusage (from wait4) is its own. Prints one JSON line per file.
_MEASURE = r"""
import json, os, resource, sys
if sys.argv[1] == "sandbox":  # the sandbox's upload reader, which shares nothing with core
    from rowboat.sandbox.spreadsheets import UnreadableFile as SourceError, read_numbered_rows
    def open_table(path):
        header, rows = read_numbered_rows(open(path, "rb").read(), os.path.basename(path))
        return Rows(rows)
    class Rows(list):
        notes = ()
    SourceError.message, SourceError.hint = property(str), property(lambda e: "-")
else:
    from rowboat.core.sources import open_table
    from rowboat.core.errors import SourceError
for path in sys.argv[2:]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        if sys.platform.startswith("linux"):
            with open("/proc/self/statm") as f:
                size = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
            cap = size + 3 * 1024**3
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
        try:
            table = open_table(path)
            out = {"read": len(table), "notes": list(table.notes)}
        except SourceError as exc:
            out = {"error": type(exc).__name__, "message": exc.message, "hint": exc.hint}
        except BaseException as exc:
            out = {"crash": repr(exc)}
        os.write(write, json.dumps(out).encode())
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    _, status, usage = os.wait4(pid, 0)
    out = json.loads(b"".join(chunks) or b'{"crash": "no answer"}')
    if os.WIFSIGNALED(status):
        out = {"crash": f"signal {os.WTERMSIG(status)}"}
    out.update(cpu=usage.ru_utime + usage.ru_stime, peak=usage.ru_maxrss)
    print(json.dumps(out), flush=True)
"""


@dataclass
class Outcome:
    """What reading one file in its own process gave, and what it cost."""

    answer: dict[str, object]
    cpu: float
    peak: int

    @property
    def message(self) -> str:
        return str(self.answer.get("message", ""))


def measure(*paths: Path, reader: str = "core") -> list[Outcome]:
    """Each file read in its own forked child, by Rowboat (`core`) or the sandbox (`sandbox`)."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, reader, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    outcomes = []
    for line in lines:
        cpu, peak = line.pop("cpu"), line.pop("peak")
        outcomes.append(Outcome(line, cpu, peak))
    return outcomes


def assert_within_budget(hostile: Outcome, normal: Outcome) -> None:
    assert "crash" not in hostile.answer, hostile.answer
    assert "read" in normal.answer, normal.answer
    assert hostile.cpu <= CPU_RATIO * normal.cpu, (hostile.cpu, normal.cpu)
    assert hostile.peak <= MEMORY_RATIO * normal.peak, (hostile.peak, normal.peak)


def refused(outcome: Outcome, name: str, *words: str) -> None:
    """The file was refused in one plain sentence naming it, with something to try."""
    assert "error" in outcome.answer, outcome.answer
    assert f"'{name}'" in outcome.message
    assert outcome.message.endswith(".")
    assert "Traceback" not in outcome.message
    assert outcome.answer["hint"]
    for word in words:
        assert word in outcome.message, outcome.message


# Normal files of a given size -------------------------------------------------------------------


def normal_csv(path: Path, size: int) -> Path:
    """An attendee csv of about `size` bytes."""
    row = "Anna,Müller,anna.mueller{}@example.com,+49 151 1234567,Acme GmbH,Berlin\n"
    lines = ["First name,Last name,Email,Phone,Company,City\n"]
    total = len(lines[0])
    while total < size:
        lines.append(row.format(len(lines)))
        total += len(lines[-1])
    path.write_text("".join(lines), encoding="utf-8")
    return path


def normal_xlsx(path: Path, size: int) -> Path:
    """An attendee workbook of at least `size` bytes packed."""
    import xlsxwriter

    rows = max(size // 40, 10)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Attendees")
    sheet.write_row(0, 0, ["First name", "Last name", "Email", "Phone", "Company"])
    for r in range(1, rows + 1):
        sheet.write_row(
            r, 0, [f"Anna{r}", "Müller", f"a{r}@example.com", 4915112345600 + r, "Acme"]
        )
    book.close()
    return path


# Workbooks written by hand, so a part and its directory entry can say whatever a test needs ----

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET_HEAD = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>'
SHEET_TAIL = "</sheetData></worksheet>"
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Email</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>Name</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>anna@example.com</t></is></c>'
    '<c r="B2" t="inlineStr"><is><t>Anna</t></is></c></row>'
)
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SKELETON = {
    "[Content_Types].xml": (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        f'2006/relationships"><Relationship Id="rId1" Type="{_RELS}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0"?><workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheets>'
        '<sheet name="Attendees" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        f'2006/relationships"><Relationship Id="rId1" Type="{_RELS}/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


@dataclass
class Part:
    """One zip part; `claims` overrides what the directory says of it (size, crc)."""

    name: str
    data: bytes
    claimed_size: int | None = None


def raw_zip(path: Path, parts: list[Part]) -> Path:
    """A zip written byte by byte (deflated parts), its directory saying what each Part claims;
    sizes past 4 GB get a zip64 field, as real large parts have."""
    out, central = bytearray(), bytearray()
    for part in parts:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        packed = packer.compress(part.data) + packer.flush()
        size = len(part.data) if part.claimed_size is None else part.claimed_size
        crc = zlib.crc32(part.data)
        extra = b""
        size32 = size
        if size >= 0xFFFFFFFF:
            extra, size32 = struct.pack("<HHQ", 1, 8, size), 0xFFFFFFFF
        name = part.name.encode()
        offset = len(out)
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 45, 0, 8, 0, 0x21, crc, len(packed), size32, len(name),
            len(extra),
        )  # fmt: skip
        out += name + extra + packed
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 8, 0, 0x21, crc, len(packed), size32,
            len(name), len(extra), 0, 0, 0, 0, offset,
        )  # fmt: skip
        central += name + extra
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(central), len(out), 0
    )
    path.write_bytes(bytes(out + central + end))
    return path


def workbook(path: Path, sheet_xml: bytes | str, *more: Part, claimed: int | None = None) -> Path:
    """An xlsx of one sheet `sheet_xml` (its entry claiming `claimed` bytes, if given)."""
    data = sheet_xml.encode() if isinstance(sheet_xml, str) else sheet_xml
    parts = [Part(name, text.encode()) for name, text in _SKELETON.items()]
    return raw_zip(path, [*parts, Part("xl/worksheets/sheet1.xml", data, claimed), *more])


def shared_strings(body: str, attrs: str = "") -> Part:
    return Part(
        "xl/sharedStrings.xml",
        f'<?xml version="1.0"?><sst xmlns="{_MAIN}" {attrs}>{body}</sst>'.encode(),
    )


def whitespace_bomb(path: Path, unpacked: int) -> Path:
    """A real bomb: a sheet of two rows and then `unpacked` bytes of spaces, which fastexcel
    holds whole; written through zipfile in blocks so the test never holds it either."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, text in _SKELETON.items():
            z.writestr(name, text)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write((SHEET_HEAD + HEADER_ROW).encode())
            block = b" " * (1 << 20)
            for _ in range(unpacked // len(block)):
                sheet.write(block)
            sheet.write(SHEET_TAIL.encode())
    return path


def sheet_of_cells(rows: int, *extra: str) -> str:
    """A sheet of `rows` honest rows after the header, then `extra` rows as given."""
    body = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>a{r}@example.com</t></is></c>'
        f'<c r="B{r}" t="inlineStr"><is><t>Anna {r}</t></is></c></row>'
        for r in range(3, rows + 3)
    )
    return SHEET_HEAD + HEADER_ROW + body + "".join(extra) + SHEET_TAIL


# Text files --------------------------------------------------------------------------------------


def test_a_one_line_json_export_named_csv_is_refused_by_its_width(tmp_path: Path) -> None:
    records = [
        {"id": i, "email": f"user{i}@example.com", "tags": ["a", "b"]} for i in range(60_000)
    ]
    hostile = tmp_path / "export.csv"
    hostile.write_text(json.dumps(records, separators=(",", ":")), encoding="utf-8")
    normal = normal_csv(tmp_path / "normal.csv", hostile.stat().st_size)
    bad, good = measure(hostile, normal)
    refused(bad, "export.csv", "columns", f"{MAX_COLUMNS:,}")
    assert_within_budget(bad, good)


def test_a_line_longer_than_the_limit_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    hostile = tmp_path / "blob.csv"
    hostile.write_bytes(b"Email,Notes\n" + b"x," * (MAX_LINE_BYTES // 2 + 10) + b"\n")
    normal = normal_csv(tmp_path / "normal.csv", hostile.stat().st_size)
    bad, good = measure(hostile, normal)
    refused(bad, "blob.csv", "Line 2", "characters long")
    assert_within_budget(bad, good)


@pytest.mark.parametrize("quoted", [True, False], ids=["quoted-multiline", "bare"])
def test_a_cell_past_the_limit_is_refused_on_its_row(tmp_path: Path, quoted: bool) -> None:
    huge = "word\n" * (MAX_CELL_CHARS // 5 + 10) if quoted else "w" * (MAX_CELL_CHARS + 10)
    cell = f'"{huge}"' if quoted else huge
    hostile = tmp_path / "notes.csv"
    hostile.write_text(f"Email,Notes\nanna@example.com,short\nben@example.com,{cell}\n")
    normal = normal_csv(tmp_path / "normal.csv", hostile.stat().st_size)
    bad, good = measure(hostile, normal)
    refused(bad, "notes.csv", "row 3", f"{MAX_CELL_CHARS:,} characters")
    assert_within_budget(bad, good)


def test_an_unclosed_quote_is_refused_as_a_cell_past_the_limit(tmp_path: Path) -> None:
    path = normal_csv(tmp_path / "open-quote.csv", 3 * MAX_CELL_CHARS)
    text = path.read_text(encoding="utf-8").replace("Acme GmbH", '"Acme GmbH', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BeyondLimit, match="never closed"):
        open_table(path)


def test_a_stray_nul_is_a_problem_of_its_row_not_of_the_file(tmp_path: Path) -> None:
    lines = ["First name,Last name,Email"]
    lines += [f"Anna{i},Smith{i},anna{i}@example.com" for i in range(200)]
    lines[57] = "Anna56,Sm\x00ith56,anna56@example.com"
    hostile = tmp_path / "broken-export.csv"
    hostile.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = open_table(hostile)
    assert len(table) == 200
    assert table.frame["Last name"].iloc[56] == "Smith56"
    assert any("row 58" in note and "NUL" in note for note in table.notes)
    normal = normal_csv(tmp_path / "normal.csv", hostile.stat().st_size)
    bad, good = measure(hostile, normal)
    assert bad.answer["read"] == 200
    assert_within_budget(bad, good)


def test_control_bytes_in_many_rows_are_named_shortly_and_stripped(tmp_path: Path) -> None:
    lines = ["Email,Name"] + [f"p{i}@example.com,Name\x1a{i}\x0b" for i in range(40)]
    path = tmp_path / "sub.csv"
    path.write_text("\n".join(lines), encoding="cp1252")
    table = open_table(path)
    assert table.frame["Name"].tolist()[:2] == ["Name0", "Name1"]
    note = next(n for n in table.notes if "control characters" in n)
    assert "rows 2, 3, 4, 5, 6 … and 35 more" in note


@pytest.mark.parametrize(
    "content",
    [
        b"\x7fELF\x02\x01\x01" + bytes(200) + b"\x03\x00>\x00" * 50,
        b"MZ\x90\x00\x03" + bytes(60) + b"PE\x00\x00" + bytes(300),
        b"SQLite format 3\x00" + bytes(4000),
        bytes(range(256)) * 16,
    ],
    ids=["elf", "windows-exe", "sqlite", "noise"],
)
def test_binary_files_are_still_refused_plainly(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "attendees.csv"
    path.write_bytes(content)
    with pytest.raises(SourceError) as caught:
        open_table(path)
    assert "attendees.csv" in caught.value.message
    assert caught.value.hint


def test_a_zip_that_is_not_a_workbook_is_refused_plainly(tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("holiday.jpg", b"\xff\xd8\xff" + bytes(1000))
    with pytest.raises(NotASpreadsheet, match=r"photos\.xlsx"):
        open_table(path)


def test_sixteen_thousand_columns_of_csv_are_refused_quickly(tmp_path: Path) -> None:
    hostile = tmp_path / "wide.csv"
    names = [f"c{i}" for i in range(1, 16_001)]
    hostile.write_text(",".join(names) + "\n" + ",".join(f"v{i}" for i in range(16_000)) + "\n")
    normal = normal_csv(tmp_path / "normal.csv", hostile.stat().st_size)
    bad, good = measure(hostile, normal)
    refused(bad, "wide.csv", "16,000 columns")
    assert_within_budget(bad, good)


def test_a_csv_past_the_row_limit_says_how_many_rows_it_has(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_bytes(b"Email\n" + b"a@x.de\n" * MAX_TEXT_ROWS)
    with pytest.raises(BeyondLimit) as caught:
        open_table(path)
    assert f"{MAX_TEXT_ROWS + 1:,} rows" in caught.value.message
    assert "Split" in caught.value.hint


# Workbooks ---------------------------------------------------------------------------------------


def test_a_real_bomb_is_refused_before_fastexcel_holds_it(tmp_path: Path) -> None:
    # 300 MB of spaces pack into 300 KB; on main fastexcel held all of it (3 GB for 3 GB).
    hostile = whitespace_bomb(tmp_path / "bomb.xlsx", 300 * 1024**2)
    normal = normal_xlsx(tmp_path / "normal.xlsx", hostile.stat().st_size)
    bad, good = measure(hostile, normal)
    refused(bad, "bomb.xlsx", "packed", "tighter")
    assert_within_budget(bad, good)


@pytest.mark.parametrize(
    ("claimed", "words"),
    [(3_500_000_000, ("packed", "tighter")), (5 * 1024**3, ("5.0 GB",))],
    ids=["by-ratio", "by-size"],
)
def test_a_directory_claiming_a_bomb_is_refused_unread(
    tmp_path: Path, claimed: int, words: tuple[str, ...]
) -> None:
    hostile = workbook(tmp_path / "claims.xlsx", sheet_of_cells(5), claimed=claimed)
    with pytest.raises(BeyondLimit) as caught:
        open_table(hostile)
    assert "'claims.xlsx'" in caught.value.message
    assert all(w in caught.value.message for w in words)


def test_a_part_unpacking_past_what_its_directory_says_is_refused(tmp_path: Path) -> None:
    sheet = sheet_of_cells(20_000)
    hostile = workbook(tmp_path / "liar.xlsx", sheet, claimed=len(sheet) // 10)
    normal = normal_xlsx(tmp_path / "normal.xlsx", hostile.stat().st_size)
    bad, good = measure(hostile, normal)
    refused(bad, "liar.xlsx", "more than its directory says")
    assert_within_budget(bad, good)


@pytest.mark.parametrize(
    ("far", "words"),
    [
        ('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', ("16,384 columns",)),
        ('<row r="1048576"><c r="AZ1048576"><v>1</v></c></row>', ("AZ1048576", "range")),
        ('<row r="2000000"><c r="A2000000"><v>1</v></c></row>', ("2,000,000 rows",)),
        ('<row r="9"><x:c r="ZZZ9" xmlns:x="x"><v>1</v></x:c></row>', ("18,278 columns",)),
        ('<row r="9">' + "<c><v>1</v></c>" * 3000 + "</row>", ("3,000 columns",)),
        ("<row r='1048576'><c r='AZ1048576'><v>1</v></c></row>", ("AZ1048576",)),
    ],
    ids=["xfd1048576", "sparse", "past-excel-rows", "prefixed", "no-references", "quoted"],
)
def test_cells_spanning_a_huge_grid_are_refused_before_fastexcel_builds_it(
    tmp_path: Path, far: str, words: tuple[str, ...]
) -> None:
    # On main the first of these, a file of 2 KB, aborted the process: calamine asked for a
    # dense grid of 550 GB. The others spread their cells as far in other ways of writing them.
    hostile = workbook(tmp_path / "far.xlsx", sheet_of_cells(2_000, far))
    normal = normal_xlsx(tmp_path / "normal.xlsx", hostile.stat().st_size)
    bad, good = measure(hostile, normal)
    refused(bad, "far.xlsx", *words)
    assert_within_budget(bad, good)


def test_a_stray_cell_near_the_table_is_read_as_usual(tmp_path: Path) -> None:
    # A real sheet with a note typed at row 60,000: the span is small enough to hold.
    far = '<row r="60000"><c r="D60000" t="inlineStr"><is><t>checked</t></is></c></row>'
    table = open_table(workbook(tmp_path / "note.xlsx", sheet_of_cells(50, far)))
    assert len(table) == 52
    assert table.source_rows[-1] == 60_000


def test_sixteen_thousand_columns_of_xlsx_are_refused_quickly(tmp_path: Path) -> None:
    import xlsxwriter

    hostile = tmp_path / "wide.xlsx"
    book = xlsxwriter.Workbook(str(hostile))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, [f"c{i}" for i in range(1, 16_001)])
    sheet.write_row(1, 0, [f"v{i}" for i in range(1, 16_001)])
    book.close()
    normal = normal_xlsx(tmp_path / "normal.xlsx", hostile.stat().st_size)
    bad, good = measure(hostile, normal)
    refused(bad, "wide.xlsx", "16,000 columns")
    assert_within_budget(bad, good)


def test_a_shared_strings_count_claiming_billions_is_refused(tmp_path: Path) -> None:
    # calamine reserves uniqueCount strings up front: on main this aborted the process.
    strings = shared_strings("<si><t>Email</t></si>", 'count="1" uniqueCount="4000000000"')
    sheet = SHEET_HEAD + '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + SHEET_TAIL
    hostile = workbook(tmp_path / "count.xlsx", sheet, strings)
    normal = normal_xlsx(tmp_path / "normal.xlsx", hostile.stat().st_size)
    bad, good = measure(hostile, normal)
    refused(bad, "count.xlsx", "claims more entries")
    assert_within_budget(bad, good)


def test_an_enormous_shared_strings_part_is_refused_by_its_entry(tmp_path: Path) -> None:
    strings = shared_strings("<si><t>Email</t></si>" * 1000)
    strings.claimed_size = 6 * 1024**3
    sheet = SHEET_HEAD + '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + SHEET_TAIL
    with pytest.raises(BeyondLimit, match=r"6\.0 GB"):
        open_table(workbook(tmp_path / "strings.xlsx", sheet, strings))


def test_deeply_nested_shared_strings_are_read(tmp_path: Path) -> None:
    body = "<si>" + "<r>" * 100_000 + "<t>Email</t>" + "</r>" * 100_000 + "</si>"
    sheet = SHEET_HEAD + '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + SHEET_TAIL
    hostile = workbook(tmp_path / "nested.xlsx", sheet, shared_strings(body))
    normal = normal_xlsx(tmp_path / "normal.xlsx", hostile.stat().st_size)
    bad, good = measure(hostile, normal)
    assert bad.answer == {"read": 0, "notes": []}
    assert_within_budget(bad, good)


def test_xml_entities_are_refused(tmp_path: Path) -> None:
    laughs = '<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    strings = Part(
        "xl/sharedStrings.xml",
        f'<?xml version="1.0"?>{laughs}<sst xmlns="{_MAIN}"><si><t>&b;</t></si></sst>'.encode(),
    )
    sheet = SHEET_HEAD + '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + SHEET_TAIL
    with pytest.raises(BeyondLimit, match="entities"):
        open_table(workbook(tmp_path / "laughs.xlsx", sheet, strings))


@pytest.mark.parametrize("keep", [0.3, 0.9, 0.999])
def test_truncated_workbooks_are_reported_as_cut_short(tmp_path: Path, keep: float) -> None:
    whole = normal_xlsx(tmp_path / "whole.xlsx", 200_000).read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole[: int(len(whole) * keep)])
    with pytest.raises(NotASpreadsheet, match=r"'cut\.xlsx'"):
        open_table(cut)


def test_a_part_whose_stream_ends_early_is_reported(tmp_path: Path) -> None:
    path = workbook(tmp_path / "short.xlsx", sheet_of_cells(100))
    data = bytearray(path.read_bytes())
    start = data.find(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml")
    data[start + 200 : start + 400] = bytes(200)  # the packed sheet, damaged in its middle
    path.write_bytes(bytes(data))
    with pytest.raises(NotASpreadsheet, match=r"'short\.xlsx'"):
        open_table(path)


def test_a_password_protected_workbook_is_reported_in_budget(tmp_path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = normal_xlsx(tmp_path / "plain.xlsx", 20_000)
    locked = tmp_path / "locked.xlsx"
    with plain.open("rb") as source, locked.open("wb") as target:
        OOXMLFile(source).encrypt("secret", target)
    with pytest.raises(PasswordProtected, match="password"):
        open_table(locked)
    bad, good = measure(locked, plain)
    assert bad.answer["error"] == "PasswordProtected"
    assert_within_budget(bad, good)


_MANIFEST = (
    '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
    'xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type='
    '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
    '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
)
_ODS_CELL = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'


def ods(path: Path, rows: str) -> Path:
    """An ods of one sheet: a header row, then `rows` as given."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    header = _ODS_CELL.format("Email") + _ODS_CELL.format("Name")
    content = (
        f'<?xml version="1.0"?><office:document-content {ns}><office:body><office:spreadsheet>'
        f'<table:table table:name="People"><table:table-row>{header}</table:table-row>{rows}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", _MANIFEST)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


@pytest.mark.parametrize(
    ("repeat_rows", "repeat_cols", "words"),
    [
        (1_048_575, 16_384, ("16,384 columns",)),  # calamine asks for 17 billion cells
        (1_000_000, 95, ("CQ1000001", "95,000,095 cells")),  # under calamine's own cap
        (100_000_000, 1, ("100,000,001 rows",)),
    ],
    ids=["whole-sheet", "under-calamines-cap", "rows"],
)
def test_an_ods_repeating_a_cell_over_a_vast_range_is_refused(
    tmp_path: Path, repeat_rows: int, repeat_cols: int, words: tuple[str, ...]
) -> None:
    cell = _ODS_CELL.format("x").replace(
        "<table:table-cell", f'<table:table-cell table:number-columns-repeated="{repeat_cols}"'
    )
    row = f'<table:table-row table:number-rows-repeated="{repeat_rows}">{cell}</table:table-row>'
    hostile = ods(tmp_path / "repeat.ods", row)
    normal = normal_xlsx(tmp_path / "normal.xlsx", hostile.stat().st_size)
    bad, good = measure(hostile, normal)
    refused(bad, "repeat.ods", *words)
    assert_within_budget(bad, good)


def test_an_ods_with_empty_repeats_to_the_sheets_edge_is_read(tmp_path: Path) -> None:
    # LibreOffice writes the empty rest of a sheet as one repeated row of repeated empty cells.
    data = f"<table:table-row>{_ODS_CELL.format('anna@example.com')}{_ODS_CELL.format('Anna')}"
    empty = (
        '</table:table-row><table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    table = open_table(ods(tmp_path / "calc.ods", data + empty))
    assert table.frame.to_dict("list") == {"Email": ["anna@example.com"], "Name": ["Anna"]}


def test_an_honest_workbook_of_every_kind_of_cell_reads_as_before(tmp_path: Path) -> None:
    path = normal_xlsx(tmp_path / "attendees.xlsx", 400_000)
    table = open_table(path)
    assert len(table) == 10_000
    assert table.frame["Phone"].iloc[0] == "4915112345601"
    assert table.info.header_row == 1


# The cell scan itself ----------------------------------------------------------------------------

_REFERENCES = st.tuples(st.integers(1, MAX_SHEET_ROWS), st.integers(1, 3000))


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


_STYLES = st.sampled_from(["ref", "bare", "quote", "prefixed", "bare-row"])


@settings(max_examples=80, deadline=None)
@given(cells=st.lists(st.tuples(_REFERENCES, _STYLES), min_size=1), chunk=st.integers(16, 4096))
def test_the_fast_cell_scan_spans_what_the_careful_one_does(
    cells: list[tuple[tuple[int, int], str]], chunk: int
) -> None:
    written = []
    for (row, col), style in cells:
        ref = f"{_letters(col)}{row}"
        cell = {
            "ref": f'<c r="{ref}" t="n"><v>1</v></c>',
            "quote": f"<c r='{ref}' t=\"n\"><v>1</v></c>",
            "bare": '<c t="n"><v>1</v></c>',
            "prefixed": f'<x:c r="{ref}"><x:v>1</x:v></x:c>',
            "bare-row": f'<c r="{ref}"><v>1</v></c>',
        }[style]
        row_tag = "<row>" if style == "bare-row" else f'<row r="{row}">'
        written.append(f"{row_tag}{cell}</row>")
    xml = (SHEET_HEAD + "".join(written) + SHEET_TAIL).encode()
    fast, careful = CellSpan(), CellSpan()
    for start in range(0, len(xml), chunk):
        fast.feed(xml[start : start + chunk])
    careful._slow(xml)
    assert fast.span() == careful.span()
    assert fast.cells == careful.cells == len(cells)


# Fuzzing the readers with hostile bytes ----------------------------------------------------------


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.text(st.characters(codec="utf-8"), max_size=40), min_size=1, max_size=30),
    controls=st.lists(st.sampled_from("\x00\x01\x07\x0b\x1a\x1f"), max_size=8),
    where=st.randoms(use_true_random=False),
)
def test_text_with_stray_control_bytes_is_read_or_refused_plainly(
    tmp_path: Path, rows: list[str], controls: list[str], where: object
) -> None:
    text = "Email,Name\n" + "\n".join(f"p{i}@example.com,{r}" for i, r in enumerate(rows))
    chars = list(text)
    for control in controls:
        chars.insert(where.randrange(len(chars) + 1), control)  # type: ignore[attr-defined]
    path = tmp_path / "fuzz.csv"
    path.write_text("".join(chars), encoding="utf-8")
    try:
        table = open_table(path)
    except SourceError as exc:
        message = exc.message
        assert message
    else:
        values = table.frame.to_numpy().ravel()
        assert not any(c in v for v in values for c in "\x00\x01\x07\x0b\x1a\x1f")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=6),
    cut=st.floats(0.2, 1),
)
@example(flips=[(0.9, 64)], cut=1.0)  # the directory names zip version 6.4: zipfile gives up
def test_damaged_workbooks_are_read_or_refused_plainly(
    tmp_path: Path, flips: list[tuple[float, int]], cut: float
) -> None:
    base = tmp_path / "base.xlsx"
    if not base.exists():
        workbook(base, sheet_of_cells(40), shared_strings("<si><t>x</t></si>"))
    data = bytearray(base.read_bytes())
    for at, value in flips:
        data[int(at * (len(data) - 1))] = value
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data[: max(int(len(data) * cut), 1)]))
    try:
        table = open_table(path)
    except SourceError as exc:
        message = exc.message
        assert message
    else:
        assert len(table.frame) == len(table.source_rows)


def test_long_lists_are_shortened() -> None:
    names = [f"c{i}" for i in range(1, 16_001)]
    assert short_list(names) == "c1, c2, c3 … and 15,997 more"
    assert short_list(names[:4]) == "c1, c2, c3, c4"
    assert short_list([]) == ""


def test_validate_names_a_few_columns_not_imported_and_counts_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rowboat.cli import main

    extra = [f"Question {i}" for i in range(1, 41)]
    path = tmp_path / "survey.csv"
    path.write_text("Email," + ",".join(extra) + "\nanna@example.com" + ",yes" * 40 + "\n")
    main(["validate", str(path), "--endpoint", "plandocket.contacts", "--no-profile"])
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "not imported" in line)
    assert line.strip().endswith("… and 30 more")
    assert "Question 40" not in out
