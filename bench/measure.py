"""One measurement in a fresh process: wall time of one operation and the process's peak memory."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def _raw_xlsx(path: Path) -> int:
    import fastexcel

    return len(fastexcel.read_excel(str(path)).load_sheet(0).to_pandas())


def _raw_csv(path: Path) -> int:
    import pandas as pd

    return len(pd.read_csv(path, engine="pyarrow"))


def _text_xlsx(path: Path) -> int:
    import fastexcel

    sheet = fastexcel.read_excel(str(path)).load_sheet(0, header_row=None, dtypes="string")
    return len(sheet.to_pandas()) - 1


def _text_csv(path: Path) -> int:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with path.open("rb") as f:
        width = f.readline().count(b",") + 1
    types = {f"f{i}": pa.string() for i in range(width)}
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(skip_rows=1, autogenerate_column_names=True),
        convert_options=pacsv.ConvertOptions(column_types=types),
    )
    return len(table.to_pandas())


def _rowboat(path: Path) -> int:
    from rowboat.core.mapping import match_columns
    from rowboat.core.sources import open_table
    from rowboat.core.targets import get_endpoint
    from rowboat.core.validation import ValidationOptions, validate

    endpoint = get_endpoint("plandocket.contacts")
    table = open_table(path)
    mapping = match_columns(table.columns, endpoint, sample=table.frame.head(200))
    result = validate(table, endpoint, mapping, ValidationOptions(default_region="DE"))
    return result.valid_count + result.invalid_count


OPERATIONS = {
    "raw-xlsx": _raw_xlsx,
    "raw-csv": _raw_csv,
    "text-xlsx": _text_xlsx,
    "text-csv": _text_csv,
    "rowboat": _rowboat,
}


def main() -> None:
    operation, path = OPERATIONS[sys.argv[1]], Path(sys.argv[2])
    # Import every library first, so both sides are timed without their import cost.
    import fastexcel  # noqa: F401
    import pandas  # noqa: F401

    import rowboat.core.mapping
    import rowboat.core.sources
    import rowboat.core.validation  # noqa: F401

    start = time.perf_counter()
    rows = operation(path)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    json.dump({"seconds": seconds, "rows": rows, "peak_mb": peak_mb}, sys.stdout)


if __name__ == "__main__":
    main()
