"""`rowboat validate --json` says for each mapped field how it was matched and why."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from rowboat.cli import main

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def test_validate_json_gives_each_matchs_reason_and_alternative(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "attendees.csv"
    path.write_text(
        "Attendee #,Attendee First Name,Email,Work email\n"
        "17,Anna,anna@example.de,anna@acme.example\n",
        encoding="utf-8",
    )
    main(["validate", str(path), "--endpoint", "plandocket.contacts", "--json", "--no-profile"])
    data = json.loads(capsys.readouterr().out)
    assert data["mapping"] == {"Attendee First Name": "first_name", "Email": "email"}
    details = {d["field"]: d for d in data["mapping_details"]}
    assert details["first_name"]["reason"] == (
        "'Attendee First Name' → First name: the role word 'Attendee' is ignored"
    )
    assert details["email"]["method"] == "exact"
    assert details["email"]["alternative"]["column"] == "Work email"
    assert details["email"]["alternative"]["reason"].endswith("'Email' fits better")
