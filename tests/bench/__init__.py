"""Benchmarks (`make bench`): speed and memory figures, kept out of the test suite.

Each `tests/bench/bench_*.py` module defines ``async def run(report: Report) -> None`` and
records its figures with ``report.add(name, value, unit, note)``. The echo baseline runs
first so every other rate can be printed next to it (``report.baseline``).
"""
