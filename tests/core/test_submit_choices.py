"""import_choices: the modes, match fields and dry run each endpoint offers before Submit."""

from __future__ import annotations

from rowboat.core.submit.choices import import_choices
from rowboat.core.submit.plandocket import MATCH_FIELDS, MODES
from rowboat.core.targets import get_endpoint, list_endpoints


def test_plandocket_offers_its_modes_and_match_fields_with_create_first() -> None:
    for endpoint_id in ("plandocket.contacts", "plandocket.participants"):
        choices = import_choices(get_endpoint(endpoint_id))
        assert tuple(c.key for c in choices.modes) == MODES
        assert choices.default_mode == "create"
        assert tuple(c.key for c in choices.match_fields) == MATCH_FIELDS
        assert [c.label for c in choices.match_fields] == ["Email", "Customer number"]
        assert not choices.dry_run


def test_only_thought_industries_offers_a_dry_run_and_others_have_one_way() -> None:
    for endpoint in list_endpoints():
        choices = import_choices(endpoint)
        assert choices.dry_run == (endpoint.system == "thought-industries"), endpoint.id
        if endpoint.system != "plandocket":
            assert choices.modes == ()
            assert choices.default_mode is None
        assert choices.system_label == endpoint.system_label
