"""Reading the JSON files people write by hand (mappings, schemas), with plain errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rowboat.core.errors import ConfigurationError

__all__ = ["read_json_file"]


def read_json_file(
    path: str | Path, what: str, error: type[ConfigurationError], hint: str
) -> tuple[Path, Any]:
    """(path, parsed JSON) of the `what` file ("mapping", "schema"); `error` when it can't be."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error(
            f"The {what} file '{path}' does not exist.", hint="Check the path and try again."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(
            f"The {what} file '{path}' could not be read.",
            hint="Save it as UTF-8 text and try again.",
            detail=repr(exc),
        ) from exc
    try:
        return path, json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(
            f"The {what} file '{path.name}' is not valid JSON "
            f"(line {exc.lineno}, column {exc.colno}: {exc.msg}).",
            hint=hint,
        ) from None
