"""Mapping a file's columns to an endpoint's fields: matching, transforms, files and profiles."""

from __future__ import annotations

from rowboat.core.mapping.explanations import describe
from rowboat.core.mapping.files import load_mapping, merge, save_mapping
from rowboat.core.mapping.match import match_columns
from rowboat.core.mapping.model import (
    Alternative,
    Case,
    FieldSource,
    Mapping,
    MatchMethod,
    NamePart,
)
from rowboat.core.mapping.profiles import Profile, ProfileStore
from rowboat.core.mapping.synonyms import normalise
from rowboat.core.mapping.transforms import apply_mapping

__all__ = [
    "Alternative",
    "Case",
    "FieldSource",
    "Mapping",
    "MatchMethod",
    "NamePart",
    "Profile",
    "ProfileStore",
    "apply_mapping",
    "describe",
    "load_mapping",
    "match_columns",
    "merge",
    "normalise",
    "save_mapping",
]
