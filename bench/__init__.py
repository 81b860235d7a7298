"""Benchmarks: ``python -m bench.startup`` and ``python -m bench.ui_stall``."""
