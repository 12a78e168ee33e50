"""Connections to the target systems: profiles, secrets in the OS keychain, tests."""
