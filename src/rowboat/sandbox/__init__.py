"""A local HTTP server that behaves like each vendor's import API (no rowboat.core here)."""
