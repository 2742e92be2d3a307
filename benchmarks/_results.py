"""The numbers: medians, ratios within repetitions, and the targets they are held against."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from typing import Any

TARGETS = {
    "vs_schemathesis": 3.0,  # the property phase: at least 3x Schemathesis's examples/s
    "vs_raw": 2.0,  # ... taking at most twice the raw httpx loop's time
    "vs_prism": 3.0,  # the reference server: at least 3x Prism's throughput
    "server_seconds": 5.0,  # the default server run
    "client_seconds": 10.0,  # the default client run
    "live_requests": 60,  # --profile live judges every MUST that applies in at most this many requests
    "plugin_ms": 30.0,  # what the pytest plugin adds to an unrelated pytest run
    "validation_us": 50.0,  # schema validation per response
}

Row = tuple[str, str, str]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def median_of(runs: Sequence[Mapping[str, Any]], key: str) -> float:
    return median([run[key] for run in runs])


def median_ratio(ours: Sequence[Mapping[str, Any]], theirs: Sequence[Mapping[str, Any]], key: str) -> float:
    """Ratios taken within each repetition (its runs ran back to back), then the median of them."""
    return median([a[key] / b[key] for a, b in zip(ours, theirs, strict=True)])


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def within(interval: Sequence[float], limit: float) -> str:
    """The verdict on a noisy difference: decided only when its 95% interval lies on one side."""
    if interval[1] < limit:
        return "met"
    if interval[0] >= limit:
        return "**missed**"
    return "undecided: the machine's noise spans the target"


def _interval(spread: Mapping[str, Any]) -> str:
    low, high = spread["interval"]
    return f"95% interval {low:.0f} to {high:.0f}"


def targets(results: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    p = results.get("property")
    label = "property phase >= 3x Schemathesis's examples/s"
    if p and "schemathesis" in p:
        measured = (
            f"{p['suite']:.0f} vs {p['schemathesis']:.0f}/s = {p['vs_schemathesis']:.2f}x; with the "
            f"judge's verdicts on its exchanges {p['vs_schemathesis_judged']:.2f}x"
        )
        rows.append((label, measured, verdict(p["vs_schemathesis_judged"] >= TARGETS["vs_schemathesis"])))
    else:
        rows.append((label, "not measured", "-"))
    if p:
        measured = f"{p['suite']:.0f} vs {p['raw']:.0f}/s: {p['vs_raw']:.2f}x the floor's time"
        rows.append(("property phase within 2x of the raw httpx loop", measured, verdict(p["vs_raw"] <= 2)))
    load = results.get("load")
    label = "reference server >= 3x Prism's requests/s"
    if load and "prism" in load:
        ours, theirs = load["reference"]["rps"], load["prism"]["rps"]
        measured = f"{ours:.0f} vs {theirs:.0f} req/s = {load['vs_prism']:.2f}x"
        rows.append((label, measured, verdict(load["vs_prism"] >= TARGETS["vs_prism"])))
    else:
        rows.append((label, "not measured", "-"))
    for role in ("server", "client"):
        limit = TARGETS[f"{role}_seconds"]
        label = f"default `models-conformance {role}` run < {limit:.0f} s wall"
        w = results.get("walls", {}).get(role)
        if w:
            rows.append((label, f"{w['wall']:.2f} s ({w['requests']} requests)", verdict(w["wall"] < limit)))
        else:
            rows.append((label, "unavailable", "-"))
    label = "`--profile live`: every applying MUST judged in <= 60 requests"
    live = [r for r in results.get("profiles") or [] if r["profile"] == "live"]
    if live:
        measured = ", ".join(
            f"{r['contract']}: {r['must_judged']}/{r['must_applying']} MUST in {r['requests_sent']} requests"
            for r in live
        )
        met = all(
            r["must_judged"] == r["must_applying"] and r["requests_sent"] <= TARGETS["live_requests"]
            for r in live
        )
        rows.append((label, measured, verdict(met)))
    else:
        rows.append((label, "not measured", "-"))
    plugin = results.get("plugin")
    label = "the pytest plugin adds < 30 ms to an unrelated pytest run"
    if plugin:
        wall, cpu = plugin["wall_ms"], plugin["cpu_ms"]
        measured = (
            f"{wall['median']:.1f} ms wall ({_interval(wall)}), {cpu['median']:.1f} ms CPU "
            f"({_interval(cpu)}); the modules it imports {plugin['import_ms']:.1f} ms"
        )
        rows.append((label, measured, within(wall["interval"], TARGETS["plugin_ms"])))
    else:
        rows.append((label, "not measured", "-"))
    v = results.get("validation")
    if v:
        rows.append(
            (
                "schema validation < 50 µs per response",
                f"{v['worst_validate_us']:.1f} µs (the slowest body)",
                verdict(v["worst_validate_us"] < TARGETS["validation_us"]),
            )
        )
    return rows
