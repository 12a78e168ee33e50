"""The importer: reading, mapping, validation, targets, submission and jobs. No Qt here."""
