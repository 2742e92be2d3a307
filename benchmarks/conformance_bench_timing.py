"""pytest plugin for the benchmark: times the SRV-NO-5XX property test as the suite runs it.

Loaded with ``-p conformance_bench_timing`` (``benchmarks/`` on PYTHONPATH). Around the call phase of the
test marked ``requirement("SRV-NO-5XX")`` it records the wall time and the request targets and headers
the test sent, and writes them as JSON to ``$CONFORMANCE_BENCH_TIMING``. The recording observer only
appends to a list; the suite's own observer still judges every exchange.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator
from typing import Any

import pytest

REQUIREMENT = "SRV-NO-5XX"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    marker = item.get_closest_marker("requirement")
    run = getattr(item, "funcargs", {}).get("conformance_run")
    if marker is None or marker.args[0] != REQUIREMENT or run is None:
        return (yield)
    sent: list[Any] = []

    def record(exchange: Any, model_body: bool) -> None:
        sent.append(exchange.request)

    run.target.observers.append(record)
    start = time.perf_counter()
    try:
        return (yield)
    finally:
        seconds = time.perf_counter() - start
        run.target.observers.remove(record)
        out = os.environ["CONFORMANCE_BENCH_TIMING"]
        with open(out, "w", encoding="utf-8") as handle:
            json.dump(
                {
                    "seconds": seconds,
                    "examples": len(sent),
                    "requests": [[r.method, r.target, list(map(list, r.headers))] for r in sent],
                },
                handle,
            )
