"""Where the property phase's time per example goes, from the runs of ``_property.py``.

Each repetition has a run of the suite with timers (``zones`` mode of conformance_bench_timing.py), a
run answered from memory (``offline``: generation, the test's code, pytest), the same with one
example (the one-off set-up: strategy validation, hypothesis's Unicode tables), and the floor's loop
with and without generation's time between requests. Values are microseconds per example, medians
over the repetitions of values taken within each one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from _results import median

# (key, label) in the order of the table; the rows above the total add up to it ("of which" rows aside).
ROWS = (
    ("generation", "generation: hypothesis's engine and the strategy, the test's own code, pytest"),
    (
        "setup",
        "  of which the one-off set-up (strategy validation, Unicode tables), spread over the examples",
    ),
    ("target", "request: Target.send's own work (request and exchange objects, headers, bookkeeping)"),
    ("httpx", "request: httpx build_request and send (what the floor runs)"),
    ("spacing", "  of which waiting longer for answers to spaced-out requests (paced loop minus the floor)"),
    ("judging", "judging every response (the run's observer: content type, request id, envelope)"),
    ("remainder", "the rest: running them together (caches, allocator), the timers themselves"),
    ("total", "the suite with timers, per example"),
    ("gc", "of all of the above, garbage collection"),
)


def _per_example(run: dict[str, Any], key: str) -> float:
    return float(run["zones"].get(key, 0.0)) / max(int(run["examples"]), 1) * 1e6


def breakdown(
    suite: Sequence[dict[str, Any]],
    raw: Sequence[dict[str, Any]],
    offline: Sequence[dict[str, Any]],
    setup: Sequence[dict[str, Any]],
    zones: Sequence[dict[str, Any]],
    paced: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    reps: list[dict[str, float]] = []
    for z, g, s, r, p in zip(zones, offline, setup, raw, paced, strict=True):
        send, httpx, judging = (_per_example(z, key) for key in ("send", "httpx", "judging"))
        reps.append(
            {
                "generation": g["us"],
                "setup": s["seconds"] * 1e6 / max(g["examples"], 1),
                "target": send - httpx - judging,
                "httpx": httpx,
                "spacing": p["request_us"] - r["request_us"],
                "judging": judging,
                "remainder": z["us"] - g["us"] - send,
                "total": z["us"],
                "gc": _per_example(z, "gc"),
            }
        )
    floor = median([r["us"] for r in raw])
    rows = []
    for key, label in ROWS:
        values = [rep[key] for rep in reps]
        rows.append({"key": key, "label": label, "us": median(values), "runs": values})
    return {
        "rows": rows,
        "floor_us": floor,
        "suite_us": median([r["us"] for r in suite]),
        "zones_overhead": median([z["us"] / s["us"] for z, s in zip(zones, suite, strict=True)]),
    }
