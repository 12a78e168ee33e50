"""`rowboat inspect` and `rowboat validate` print every decision, guesses first, and --json lists
them; the flags that override them change the result."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook

from rowboat.cli import main

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

_KEYS = {"what", "decision", "evidence", "settled", "override"}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code, out = _run(capsys, *argv, "--json")
    return code, json.loads(out)


def _sessions(tmp_path: Path) -> Path:
    """A session list typed in Excel: dates as text that nothing settles, one row hidden."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Title", "Start", "End"])
    sheet.append(["Keynote", "03/04/2026 09:00", "03/04/2026 10:00"])
    sheet.append(["Panel", "05/04/2026 11:00", "05/04/2026 12:00"])
    sheet.append(["Old draft", "01/02/2026 09:00", "01/02/2026 10:00"])
    sheet.row_dimensions[4].hidden = True
    path = tmp_path / "sessions.xlsx"
    book.save(path)
    return path


def _validate(path: Path, *flags: str) -> list[str]:
    return ["validate", str(path), "--endpoint", "thought-industries.in-person-sessions",
            "--no-profile", *flags]  # fmt: skip


def test_inspect_prints_the_decisions_guesses_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(capsys, "inspect", str(_sessions(tmp_path)))
    assert code == 0
    lines = out.splitlines()
    start = lines.index("Decisions (guesses first):")
    marks = [line.split("]")[0] + "]" for line in lines[start + 1 :] if line.startswith("  [")]
    assert marks[0] == "  [GUESS  ]"
    assert marks == sorted(marks, key=lambda m: "settled" in m)
    assert "  [GUESS  ] Hidden rows: 1 hidden row imported like the others" in lines
    assert "            change with: --skip-hidden-rows leaves them out; on the Open step, " in (
        out
    )


def test_inspect_json_lists_decisions_with_the_five_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, data = _json(capsys, "inspect", str(_sessions(tmp_path)))
    assert code == 0
    assert data["hidden_rows"] == 1
    assert all(set(d) == _KEYS for d in data["decisions"])
    assert data["decisions"][0]["what"] == "Hidden rows"
    assert data["decisions"][0]["settled"] is False


def test_skip_hidden_rows_leaves_the_hidden_row_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, data = _json(capsys, "inspect", str(_sessions(tmp_path)), "--skip-hidden-rows")
    assert (data["rows"], data["hidden_rows_skipped"]) == (2, True)
    hidden = [d for d in data["decisions"] if d["what"] == "Hidden rows"]
    assert hidden == [
        {
            "what": "Hidden rows",
            "decision": "1 hidden row left out",
            "evidence": "Row 4 is hidden in Excel; you asked to leave them out.",
            "settled": True,
            "override": "--skip-hidden-rows leaves them out; on the Open step, Leave out hidden "
            "rows",
        }
    ]


def test_validate_reports_the_guessed_date_order_and_the_flag_changes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _sessions(tmp_path)
    _, data = _json(capsys, *_validate(path, "--region", "US", "--skip-hidden-rows"))
    order = [d for d in data["decisions"] if d["what"] == "Date order of Start"]
    assert order[0]["decision"] == "month first (month/day/year)"
    assert order[0]["settled"] is False
    assert "the region is US" in order[0]["evidence"]
    assert data["decisions"].index(order[0]) < len(
        [d for d in data["decisions"] if not d["settled"]]
    )
    _, data = _json(capsys, *_validate(path, "--region", "US", "--date-order", "DMY",
                                       "--valid-out", str(tmp_path / "valid.csv")))  # fmt: skip
    order = [d for d in data["decisions"] if d["what"] == "Date order of Start"]
    assert (order[0]["decision"], order[0]["settled"]) == ("day first (day/month/year)", True)
    exported = (tmp_path / "valid.csv").read_text(encoding="utf-8-sig")
    assert "2026-04-03T09:00:00" in exported


def test_validate_text_prints_the_decisions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = _run(capsys, *_validate(_sessions(tmp_path), "--region", "DE"))
    assert "Decisions (guesses first):" in out
    assert "  [GUESS  ] Date order of Start: day first (day/month/year)" in out
    assert "change with: --date-order DMY|MDY|YMD" in out


def test_a_german_semicolon_file_settles_the_order_by_its_locale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "termine.csv"
    path.write_bytes(
        "Titel;Beginn;Ende;Preis\r\nKeynote;03/04/2026 09:00;03/04/2026 10:00;149,50\r\n".encode(
            "cp1252"
        )
    )
    _, data = _json(capsys, *_validate(path, "--region", "US"))
    order = next(d for d in data["decisions"] if d["what"] == "Date order of Start ('Beginn')")
    assert order["decision"] == "day first (day/month/year)"
    assert "the file's headers are German" in order["evidence"]
    assert data["issues"] == []


def test_serial_dates_flag_turns_reading_serial_numbers_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "serials.csv"
    path.write_text("Title,Start,End\nKeynote,46023.375,46023.5\n", encoding="utf-8")
    code, data = _json(capsys, *_validate(path))
    assert (code, data["issues"]) == (0, [])
    code, data = _json(capsys, *_validate(path, "--serial-dates", "no"))
    assert code == 1
    start = next(i for i in data["issues"] if i["field"] == "startDate")
    assert start["code"] == "datetime.serial"
    assert "looks like an Excel date number (2026-01-01 09:00)" in start["message"]


def test_name_order_flag_splits_family_name_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Name,Email\nMüller Anna,anna@example.de\n", encoding="utf-8")
    argv = ["validate", str(path), "--endpoint", "plandocket.contacts", "--no-profile",
            "--valid-out", str(tmp_path / "out.csv")]  # fmt: skip
    _run(capsys, *argv, "--name-order", "last first")
    exported = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert "Anna,Müller" in exported
