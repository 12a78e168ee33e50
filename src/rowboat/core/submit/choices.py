"""import_choices: what a person may choose for an import to an endpoint before pressing Submit.

The ways an endpoint imports (create / upsert / update), the fields existing records are found
by, and whether the target offers a dry run, in one place for the desktop app's Submit step; the
carriers check the same options again when they plan (`ImportSettings.from_options`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rowboat.core.targets.schema import Endpoint

__all__ = ["Choice", "ImportChoices", "import_choices"]


@dataclass(frozen=True)
class Choice:
    key: str  # what SubmitOptions carries ("upsert", "customer_number")
    label: str  # what a coordinator reads ("Create new and update existing")


@dataclass(frozen=True)
class ImportChoices:
    """The choices an endpoint offers; empty tuples when it has only one way."""

    modes: tuple[Choice, ...]
    match_fields: tuple[Choice, ...]
    dry_run: bool
    system_label: str

    @property
    def default_mode(self) -> str | None:
        return self.modes[0].key if self.modes else None

    @property
    def default_match_field(self) -> str | None:
        return self.match_fields[0].key if self.match_fields else None


_PLANDOCKET_MODES = {
    "contacts": (
        Choice("create", "Create new contacts; leave existing ones as they are"),
        Choice("upsert", "Create new contacts and update existing ones"),
        Choice("update", "Only update existing contacts"),
    ),
    "participants": (
        Choice("create", "Add new participants; leave existing ones as they are"),
        Choice("upsert", "Add new participants and update existing ones"),
        Choice("update", "Only update existing participants"),
    ),
}


def import_choices(endpoint: Endpoint) -> ImportChoices:
    """The modes, match fields and dry run that `endpoint`'s target offers."""
    if endpoint.system == "plandocket":
        from rowboat.core.submit.plandocket import MATCH_FIELDS, MODES, PlandocketCarrier

        kind = endpoint.id.partition(".")[2]
        labels = {f.key: f.label for f in endpoint.fields}
        modes = tuple(c for c in _PLANDOCKET_MODES.get(kind, ()) if c.key in MODES)
        return ImportChoices(
            modes=modes,
            match_fields=tuple(Choice(k, labels.get(k, k.replace("_", " "))) for k in MATCH_FIELDS),
            dry_run=PlandocketCarrier.dry_run_supported,
            system_label=endpoint.system_label,
        )
    return ImportChoices(
        modes=(),
        match_fields=(),
        dry_run=_offers_dry_run(endpoint.system),
        system_label=endpoint.system_label,
    )


def _offers_dry_run(system: str) -> bool:
    if system == "thought-industries":
        from rowboat.core.submit.thought_industries import ThoughtIndustriesCarrier

        return ThoughtIndustriesCarrier.dry_run_supported
    if system == "eloqua":
        from rowboat.core.submit.eloqua import EloquaCarrier

        return EloquaCarrier.dry_run_supported
    if system == "thalamus":
        from rowboat.core.submit.thalamus import ThalamusCarrier

        return ThalamusCarrier.dry_run_supported
    return False
