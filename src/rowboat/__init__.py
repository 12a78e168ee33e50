"""Rowboat: carry spreadsheet rows into event, learning and CRM systems."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rowboat")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
