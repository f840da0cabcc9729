"""Benchmarks: printed tables of API calls and wall time, beside the engine's own floor (same run)."""
