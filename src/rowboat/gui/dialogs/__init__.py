"""Dialogs: errors and About."""
