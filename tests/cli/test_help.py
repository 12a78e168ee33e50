"""`rowboat --help` and each command's help read on their own: a description, every argument
explained, the version from the package metadata, and a bare `rowboat` listing the commands."""

from __future__ import annotations

import argparse
from importlib.metadata import version

import pytest

from rowboat.cli import build_parser, main


def _commands(
    parser: argparse.ArgumentParser, prefix: str = "rowboat"
) -> list[tuple[str, argparse.ArgumentParser]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, command in action.choices.items():
                found.append((f"{prefix} {name}", command))
                found += _commands(command, f"{prefix} {name}")
    return found


def test_every_command_says_what_it_does_and_explains_each_argument() -> None:
    commands = _commands(build_parser())
    assert len(commands) >= 16
    undescribed = [name for name, command in commands if not command.description]
    unexplained = [
        f"{name} {action.metavar or action.dest}"
        for name, command in commands
        for action in command._actions
        if not action.help and not isinstance(action, argparse._SubParsersAction)
    ]
    assert undescribed == []
    assert unexplained == []


def test_the_version_is_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["--version"])
    assert ended.value.code == 0
    assert capsys.readouterr().out == f"rowboat {version('rowboat')}\n"


def test_rowboat_alone_lists_the_commands_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "commands:" in err
    assert "submit" in err
    assert "rowboat COMMAND --help" in err


def test_the_top_help_shows_examples_in_the_order_of_an_import(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    commands = [out.index(f"    {name} ") for name in ("gui", "inspect", "validate", "submit")]
    assert commands == sorted(commands)
    assert "rowboat validate attendees.xlsx --endpoint plandocket.contacts" in out
