"""The numbers: medians, ratios within repetitions, and the targets they are held against."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from typing import Any

TARGETS = {
    "vs_schemathesis": 3.0,  # the property phase: at least 3x Schemathesis's examples/s
    "vs_raw": 2.0,  # ... and within 2x of the raw httpx loop
    "vs_prism": 3.0,  # the reference server: at least 3x Prism's throughput
    "wall_seconds": 10.0,  # default server and client runs
    "validation_us": 50.0,  # per response
    "live_requests": 60,  # --profile live judges every MUST that applies in at most this many requests
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


def _faster(label: str, ours: float, theirs: float, unit: str, target: str, ratio: float) -> Row:
    return (
        label,
        f"{ours:.0f} vs {theirs:.0f}{unit} = {ratio:.1f}x",
        verdict(ratio >= TARGETS[target]),
    )


def targets(results: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    label = "property phase >= 3x Schemathesis examples/s"
    p = results.get("property")
    if p and "schemathesis" in p:
        rows.append(
            _faster(label, p["suite"], p["schemathesis"], "/s", "vs_schemathesis", p["vs_schemathesis"])
        )
    else:
        rows.append((label, "not measured", "-"))
    if p:
        rows.append(
            (
                "property phase within 2x of the raw httpx loop",
                f"{p['suite']:.0f} vs {p['raw']:.0f}/s = {p['vs_raw']:.2f}x the floor's time "
                f"(generation as the suite pays for it bounds it at {p['paced_bound']:.2f}x)",
                verdict(p["vs_raw"] <= TARGETS["vs_raw"]),
            )
        )
    label = "reference server >= 3x Prism's requests/s"
    load = results.get("load")
    if load and "prism" in load:
        ours, theirs = load["reference"]["rps"], load["prism"]["rps"]
        rows.append(_faster(label, ours, theirs, " req/s", "vs_prism", load["vs_prism"]))
    else:
        rows.append((label, "not measured", "-"))
    for role in ("server", "client"):
        w = results.get("walls", {}).get(role)
        label = f"default `models-conformance {role}` run < 10 s wall"
        if w:
            measured = f"{w['wall']:.2f} s ({w['requests']} requests)"
            rows.append((label, measured, verdict(w["wall"] < TARGETS["wall_seconds"])))
        else:
            rows.append((label, "not available", "-"))
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
    v = results.get("validation")
    if v:
        rows.append(
            (
                "schema validation < 50 µs per response",
                f"{v['worst_validate_us']:.1f} µs (largest body)",
                verdict(v["worst_validate_us"] < TARGETS["validation_us"]),
            )
        )
    return rows
