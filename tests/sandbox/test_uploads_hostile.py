"""Hostile uploads: the sandbox's own reader refuses them in the vendor's error shape, quickly.

The files are built by the same helpers as Rowboat's hostile-file tests; the sandbox reads them
with its own code (openpyxl and the csv module), measured the same way: in forked children,
against a normal upload of about the same size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from rowboat.sandbox.spreadsheets import UnreadableFile, UploadTooLarge, read_numbered_rows
from rowboat.sandbox.thalamus import LOGIN, PASSWORD, TOKEN, TOUCHPOINT
from rowboat.sandbox.thought_industries import API_KEY
from tests.core.test_sources_hostile import (
    SHEET_HEAD,
    SHEET_TAIL,
    Part,
    assert_within_budget,
    measure,
    normal_csv,
    normal_xlsx,
    sheet_of_cells,
    whitespace_bomb,
    workbook,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from rowboat.sandbox.context import ManualClock
    from rowboat.sandbox.server import SandboxServer


@pytest.fixture
def ti(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    with httpx.Client(
        base_url=sandbox.base_url("thought-industries"), headers=headers, timeout=30
    ) as c:
        yield c


@pytest.fixture
def thalamus(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    params = {"touchpoint": TOUCHPOINT, "token": TOKEN}
    with httpx.Client(base_url=sandbox.base_url("thalamus"), params=params, timeout=10) as c:
        assert c.post("/login", json={"principal": LOGIN, "password": PASSWORD}).status_code == 200
        yield c


def sessions_csv() -> bytes:
    return b"title,startDate,endDate\nSafety walk,2026-04-15 10:00,2026-04-15 11:30\n"


def one_line(path: Path) -> Path:
    path.write_bytes(b'[{"title":"x","id":1},' * 200_000 + b"{}]")
    return path


def test_a_bomb_is_refused_before_openpyxl_unpacks_it(tmp_path: Path) -> None:
    hostile = whitespace_bomb(tmp_path / "bomb.xlsx", 200 * 1024**2)
    normal = normal_xlsx(tmp_path / "normal.xlsx", hostile.stat().st_size)
    bad, good = measure(hostile, normal, reader="sandbox")
    assert bad.answer["error"] == "UploadTooLarge"
    assert "unpacks to" in bad.message
    assert_within_budget(bad, good)


def test_cells_spread_over_the_whole_grid_are_refused_quickly(tmp_path: Path) -> None:
    # With its stated used range of A1:XFD1048576 openpyxl pads every row to 16,384 cells: on
    # main the upload kept the server reading 17 billion empty cells.
    dimension = '<dimension ref="A1:XFD1048576"/><sheetData>'
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    sheet = sheet_of_cells(100, far).replace("<sheetData>", dimension, 1)
    hostile = workbook(tmp_path / "far.xlsx", sheet)
    normal = normal_xlsx(tmp_path / "normal.xlsx", hostile.stat().st_size)
    bad, good = measure(hostile, normal, reader="sandbox")
    assert bad.answer["error"] == "UploadTooLarge"
    assert "1,048,576 rows and 16,384 columns" in bad.message
    assert_within_budget(bad, good)


def test_a_one_line_csv_is_refused_by_its_length(tmp_path: Path) -> None:
    hostile = one_line(tmp_path / "export.csv")
    normal = normal_csv(tmp_path / "normal.csv", hostile.stat().st_size)
    bad, good = measure(hostile, normal, reader="sandbox")
    assert bad.answer["error"] == "UnreadableFile"
    assert "longer than" in bad.message
    assert_within_budget(bad, good)


@pytest.mark.parametrize(
    ("name", "build", "words"),
    [
        ("liar.xlsx", lambda p: workbook(p, sheet_of_cells(3000), claimed=1000), "damaged"),
        (
            "nested.xlsx",
            lambda p: workbook(
                p,
                SHEET_HEAD + '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + SHEET_TAIL,
                Part(
                    "xl/sharedStrings.xml",
                    b"<sst><si>" + b"<r>" * 50_000 + b"</r>" * 50_000 + b"</si></sst>",
                ),
            ),
            "damaged",
        ),
        (
            "laughs.xlsx",
            lambda p: workbook(p, '<!DOCTYPE x [<!ENTITY a "a">]>' + SHEET_HEAD + SHEET_TAIL),
            "entities",
        ),
        ("wide.csv", lambda p: p.write_bytes(b",".join(b"c%d" % i for i in range(5000))), "5,000"),
    ],
    ids=["lying-directory", "nested-strings", "entities", "wide"],
)
def test_damaged_or_odd_uploads_are_unreadable_not_errors(
    tmp_path: Path, name: str, build: object, words: str
) -> None:
    path = tmp_path / name
    build(path)  # type: ignore[operator]
    with pytest.raises(UnreadableFile, match=words):
        read_numbered_rows(path.read_bytes(), name)


def test_a_stray_nul_in_a_csv_upload_is_kept_as_a_character() -> None:
    header, rows = read_numbered_rows(b"name,code\nGlobex\x00 SA,1\nAcme,2\n", "c.csv")
    assert header == ["name", "code"]
    assert [row["name"] for _, row in rows] == ["Globex\x00 SA", "Acme"]


def test_thought_industries_answers_a_bomb_with_its_413_and_goes_on_serving(
    ti: httpx.Client, tmp_path: Path
) -> None:
    bomb = whitespace_bomb(tmp_path / "bomb.xlsx", 100 * 1024**2).read_bytes()
    answer = ti.post("/assets", files={"file": ("sessions.xlsx", bomb)})
    assert answer.status_code == 413
    assert answer.json()["error"] == "payload_too_large"
    assert "too large once read" in answer.json()["message"]
    assert ti.post("/assets", files={"file": ("s.csv", sessions_csv())}).status_code == 201


def test_thought_industries_answers_a_one_line_csv_with_its_422(
    ti: httpx.Client, tmp_path: Path
) -> None:
    data = one_line(tmp_path / "export.csv").read_bytes()
    answer = ti.post("/assets", files={"file": ("export.csv", data)})
    assert answer.status_code == 422
    assert answer.json()["error"] == "unprocessable_entity"
    assert "longer than" in answer.json()["message"]


def test_thalamus_answers_a_bomb_as_a_file_too_large(
    thalamus: httpx.Client, tmp_path: Path
) -> None:
    bomb = whitespace_bomb(tmp_path / "bomb.xlsx", 100 * 1024**2).read_bytes()
    files = {"file": ("companies.xlsx", bomb)}
    answer = thalamus.post("/import/file", params={"name": "b", "type": 25004}, files=files)
    assert (answer.status_code, answer.json()) == (400, {"errors": {"file": "FileTooLarge"}})
    fine = {"file": ("c.csv", b"name\nGlobex\n")}
    ok = thalamus.post("/import/file", params={"name": "ok", "type": 25004}, files=fine)
    assert ok.status_code == 200


def test_thalamus_ends_a_one_line_csv_in_error_in_file_format(
    thalamus: httpx.Client, clock: ManualClock, tmp_path: Path
) -> None:
    data = one_line(tmp_path / "export.csv").read_bytes()
    files = {"file": ("export.csv", data)}
    answer = thalamus.post("/import/file", params={"name": "j", "type": 25004}, files=files)
    assert answer.status_code == 200
    clock.advance(60)
    record = thalamus.get(f"/import/status/{answer.json()['id']}").json()
    assert record["state"] == "ERROR_IN_FILE_FORMAT"
    assert "longer than" in record["analysisResult"]["error"]


def test_an_upload_too_large_once_read_is_caught_by_every_reader_of_uploads() -> None:
    # Eloqua's import and Thought Industries' bulk import catch UnreadableFile only.
    assert issubclass(UploadTooLarge, UnreadableFile)
