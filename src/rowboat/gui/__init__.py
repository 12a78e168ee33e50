"""The desktop app: PySide6 windows and pages, a thin layer over rowboat.core."""
