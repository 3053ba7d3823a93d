"""Benchmarks are marked so that the default test run leaves them out.

Run them with ``uv run pytest tests/benchmarks -m benchmark --benchmark-enable``.
"""

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "benchmarks" in str(item.fspath):
            item.add_marker(pytest.mark.benchmark)
