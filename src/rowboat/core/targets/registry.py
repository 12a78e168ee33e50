"""The registry of every built-in endpoint, looked up by id."""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from rapidfuzz import fuzz, process

from rowboat.core.errors import UnknownEndpoint
from rowboat.core.targets import eloqua_fields, plandocket_fields, thalamus_fields
from rowboat.core.targets import thought_industries_fields as ti_fields

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from rowboat.core.targets.schema import Endpoint, Field, Rule

__all__ = ["ENDPOINTS", "endpoint_with_fields", "get_endpoint", "list_endpoints"]

SchemaOrigin = Literal["vendor", "default", "file", "server"]

# The order a person meets them in: systems as the design lists them, endpoints within each.
ENDPOINTS: Mapping[str, Endpoint] = MappingProxyType(
    {
        e.id: e
        for e in (
            *ti_fields.ENDPOINTS,
            *eloqua_fields.ENDPOINTS,
            *plandocket_fields.ENDPOINTS,
            *thalamus_fields.ENDPOINTS,
        )
    }
)

_HINT = "Run `rowboat endpoints` for the list."


def list_endpoints() -> list[Endpoint]:
    """Every built-in endpoint, in the registry's order."""
    return list(ENDPOINTS.values())


def get_endpoint(endpoint_id: str) -> Endpoint:
    """The built-in endpoint with this id; UnknownEndpoint, naming close ids, when there is none."""
    try:
        return ENDPOINTS[endpoint_id]
    except KeyError:
        pass
    wanted = endpoint_id.strip().lower().replace("_", "-").replace(" ", "-")
    if wanted in ENDPOINTS:
        return ENDPOINTS[wanted]
    close = _close_ids(wanted)
    message = f"There is no endpoint '{endpoint_id}'."
    if close:
        message += f" Did you mean {' or '.join(close)}?"
    raise UnknownEndpoint(message, hint=_HINT, detail=f"known ids: {', '.join(ENDPOINTS)}")


def _close_ids(wanted: str) -> list[str]:
    by_system = [i for i, e in ENDPOINTS.items() if wanted in (e.system, e.system_label.lower())]
    if by_system:
        return by_system
    by_name = [i for i in ENDPOINTS if i.split(".", 1)[1] == wanted.rsplit(".", 1)[-1]]
    if by_name:
        return by_name
    found = process.extract(wanted, list(ENDPOINTS), scorer=fuzz.WRatio, limit=2, score_cutoff=75)
    return [str(choice) for choice, _score, _index in found]


def endpoint_with_fields(
    endpoint: Endpoint,
    fields: Iterable[Field],
    *,
    extra_rules: Iterable[Rule] = (),
    schema_origin: SchemaOrigin,
) -> Endpoint:
    """The endpoint with another field list (from a schema file or, later, the server).

    Rules naming a field that is no longer there are dropped ("after" needs both of its fields;
    "one_of" keeps those still present), so a shorter field list never leaves a rule that can
    not hold.
    """
    fields = tuple(fields)
    keys = {f.key for f in fields}
    rules: list[Rule] = []
    for rule in (*endpoint.rules, *extra_rules):
        present = tuple(k for k in rule.fields if k in keys)
        if rule.kind == "after" and len(present) < len(rule.fields):
            continue
        if not present:
            continue
        kept = rule if present == rule.fields else rule.model_copy(update={"fields": present})
        if kept not in rules:
            rules.append(kept)
    return endpoint.model_copy(
        update={"fields": fields, "rules": tuple(rules), "schema_origin": schema_origin}
    )
