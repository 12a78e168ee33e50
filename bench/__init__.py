"""Benchmarks: Rowboat against the fastest raw read of the same file, measured in the same run."""
