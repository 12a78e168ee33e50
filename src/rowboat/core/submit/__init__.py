"""Submission: plans, the crash-proof journal, the runner and each system's Carrier."""
