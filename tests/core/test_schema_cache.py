"""Server schemas are kept for offline use and read back exactly, with their fetch time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rowboat.core.targets import get_endpoint
from rowboat.core.targets.schema_cache import SchemaCache, schema_key

if TYPE_CHECKING:
    from pathlib import Path


def test_saved_schema_reads_back_with_its_fetch_time(tmp_path: Path) -> None:
    cache = SchemaCache(tmp_path)
    endpoint = get_endpoint("eloqua.event-registrants").model_copy(
        update={"schema_origin": "server"}
    )
    when = datetime(2026, 12, 2, 13, 5, tzinfo=UTC)
    key = schema_key("Sandbox", endpoint.id, "12")
    cache.save(key, endpoint, when)
    cached = cache.load(key)
    assert cached is not None
    assert cached.endpoint == endpoint
    assert cached.fetched_at == when
    assert cached.age_text() == "fetched 2026-12-02 13:05 UTC"
    assert cache.load(schema_key("Sandbox", endpoint.id, "13")) is None


def test_damaged_cache_file_counts_as_absent(tmp_path: Path) -> None:
    cache = SchemaCache(tmp_path)
    key = schema_key("Work", "thalamus.companies")
    path = cache.save(key, get_endpoint("thalamus.companies"))
    path.write_text("{not json", encoding="utf-8")
    assert cache.load(key) is None
