"""pytest plugin for the benchmark: times the SRV-NO-5XX property test as the suite runs it.

Loaded with ``-p conformance_bench_timing`` (``benchmarks/`` on PYTHONPATH). Around the call phase of the
test marked ``requirement("SRV-NO-5XX")`` it records the wall and CPU time and what the test sent, and
writes them as JSON to ``$CONFORMANCE_BENCH_TIMING``. ``$CONFORMANCE_BENCH_MODE`` says how the test runs:

- ``suite`` (default): as it is; a recording observer only appends each request to a list, the
  suite's own observer still judges every exchange.
- ``offline``: ``Target.send`` answers every request with one 404 exchange fetched beforehand, and
  nothing is judged: what remains is generation (hypothesis, the strategy), the test's own code and
  pytest, with the same examples as a real run (the test passes either way).
- ``zones``: as it is, with timers around Target.send, the transport's send inside it (httpx and the
  bounded reading of the answer) and the judging, and a gc callback timing the collections.

With ``$CONFORMANCE_BENCH_CALLGRIND`` set, the module ``conformance_bench_cgz`` (built by ``_callgrind.py``)
gives each zone its own C frame and switches callgrind's instrumentation on for the call phase only.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import time
from collections import defaultdict
from collections.abc import Callable, Generator
from typing import Any

import pytest

REQUIREMENT = "SRV-NO-5XX"
OFFLINE_PROBE = "/v1/models/conformance-bench-offline-probe"


def _timer(totals: dict[str, float], name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    clock = time.perf_counter

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = clock()
        try:
            return fn(*args, **kwargs)
        finally:
            totals[name] += clock() - start

    return timed


def _frame(cgz: Any, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    zone = getattr(cgz, f"zone_{name}")

    def framed(*args: Any, **kwargs: Any) -> Any:
        return zone(lambda: fn(*args, **kwargs))

    return framed


def _install_zones(run: Any, wrap: Callable[[str, Callable[..., Any]], Callable[..., Any]]) -> None:
    target = run.target
    transport = target.transport  # created now, so that its method can be wrapped on the instance
    transport.send = wrap("httpx", transport.send)
    target.send = wrap("send", target.send)
    target.observers[:] = [wrap("judging", observe) for observe in target.observers]


def _go_offline(run: Any, sent: list[Any]) -> None:
    target = run.target
    canned = target.get(OFFLINE_PROBE)
    target.observers.clear()

    def send(method: str, raw_target: str, headers: Any, **_: Any) -> Any:
        sent.append([method, target._prefix + raw_target, [list(pair) for pair in dict(headers).items()]])
        return canned

    target.send = send


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    marker = item.get_closest_marker("requirement")
    run = getattr(item, "funcargs", {}).get("conformance_run")
    if marker is None or marker.args[0] != REQUIREMENT or run is None:
        return (yield)
    mode = os.environ.get("CONFORMANCE_BENCH_MODE", "suite")
    cgz: Any = None
    if os.environ.get("CONFORMANCE_BENCH_CALLGRIND"):
        cgz = importlib.import_module("conformance_bench_cgz")
    sent: list[Any] = []
    zones: dict[str, float] = defaultdict(float)
    gc_started: list[float] = []

    def record(exchange: Any, model_body: bool) -> None:
        r = exchange.request
        sent.append([r.method, r.target, [list(pair) for pair in r.headers]])

    def gc_timer(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_started.append(time.perf_counter())
        elif gc_started:
            zones["gc"] += time.perf_counter() - gc_started.pop()

    if mode == "offline":
        _go_offline(run, sent)
    else:
        if mode == "zones":
            if cgz:
                _install_zones(run, lambda name, fn: _frame(cgz, name, fn))
            else:
                _install_zones(run, lambda name, fn: _timer(zones, name, fn))
                gc.callbacks.append(gc_timer)
        run.target.observers.append(record)
    if cgz:
        cgz.cg_start()
    cpu, start = time.process_time(), time.perf_counter()
    try:
        return (yield)
    finally:
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        if cgz:
            cgz.cg_stop()
        if gc_timer in gc.callbacks:
            gc.callbacks.remove(gc_timer)
        with open(os.environ["CONFORMANCE_BENCH_TIMING"], "w", encoding="utf-8") as handle:
            timing = {"mode": mode, "seconds": seconds, "cpu_seconds": cpu, "examples": len(sent)}
            json.dump({**timing, "zones": dict(zones), "requests": sent}, handle)
