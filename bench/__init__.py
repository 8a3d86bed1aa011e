"""Benchmarks (`make bench`): each figure printed beside a reference measured in the same run.

Every ``bench/bench_<area>.py`` exposes ``run() -> list[dict]`` with keys ``name, value, unit,
reference_name, reference, target``.  Never timed assertions in the test suite: they live here.
"""
