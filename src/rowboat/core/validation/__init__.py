"""Checking mapped rows against an endpoint's fields, vectorised over columns, in plain words."""

from rowboat.core.validation.edits import Change, ReviewEdits
from rowboat.core.validation.engine import validate
from rowboat.core.validation.result import Issue, ValidationOptions, ValidationResult

__all__ = ["Change", "Issue", "ReviewEdits", "ValidationOptions", "ValidationResult", "validate"]
