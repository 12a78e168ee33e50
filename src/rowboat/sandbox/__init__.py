"""A local HTTP server that behaves like each vendor's import API. Shares no code with rowboat.core."""
