"""Benchmarks: printed tables of API calls and wall time, with the engine's own floor measured in the same run."""
