"""The steps of the import, one page each."""
