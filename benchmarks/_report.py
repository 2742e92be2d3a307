"""The text of RESULTS.md: machine, versions, targets, then one section per measurement."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from _common import CONTRACT, MODEL_PATH

Add = Callable[[str], None]


def fmt_runs(values: Sequence[float], digits: int = 0) -> str:
    return ", ".join(f"{value:.{digits}f}" for value in values)


def render(results: dict[str, Any]) -> str:
    out: list[str] = []
    add = out.append
    add("# Benchmark results")
    add("")
    add(f"Written by `{results['command']}` on {results['date']}, in {results['total_seconds']:.0f} s.")
    add("All traffic went to 127.0.0.1. Medians of the repetitions; the individual runs follow each table.")
    add(
        f"Load average (1, 5, 15 min) at the start: {results['load_before']}; "
        f"at the end: {results['load_after']}."
    )
    add("")
    _table(add, "Machine", "| | |", results["machine"].items())
    _table(add, "Versions", "| | |", results["versions"].items())
    _table(add, "Targets", "| target | measured (median) | verdict |", results["targets"])
    errors: dict[str, str] = results["errors"]
    for section, title, body in SECTIONS:
        add(title)
        add("")
        if results.get(section) is None:
            add(f"Not measured: {errors.get(section)}")
            add("")
        else:
            body(add, results[section])
    _render_walls(add, results.get("walls", {}), errors)
    if errors:
        add("## Errors")
        add("")
        for section, message in errors.items():
            add(f"- {section}: {message}")
        add("")
    return "\n".join(out).rstrip() + "\n"


def _row(add: Add, cells: Iterable[object]) -> None:
    add("| " + " | ".join(map(str, cells)) + " |")


def _header(add: Add, header: str) -> None:
    """A table's first line, as written, and the line under it."""
    add(header)
    add("|" + "---|" * header.count(" |"))


def _table(add: Add, title: str, header: str, rows: Iterable[Sequence[object]]) -> None:
    """A section that is one table."""
    add(f"## {title}")
    add("")
    _header(add, header)
    for row in rows:
        _row(add, row)
    add("")


def _render_property(add: Add, p: dict[str, Any]) -> None:
    add(
        "One reference server process (`python -m conformance.reference`), "
        f"{p['examples_requested']} examples "
        "per run, the same seed for every run. The suite is the real one (`models-conformance server "
        "--base-url URL --examples N --seed S -- -k no_model_id`), timed around the test's call phase "
        "(hypothesis generation, the request, the check, and the judging of every response by the "
        "every-response observer). Schemathesis runs `schemas/openapi.yaml`, operation `models-retrieve` "
        "only, `--phases fuzzing --mode positive --checks all --exclude-checks positive_data_acceptance "
        "--workers 1`, timed by its own scenario clock (`elapsed_time` in its NDJSON report). The raw "
        "httpx loop sends the very requests the suite sent (same request targets and headers, one "
        "keep-alive connection) with no generation and no judging."
    )
    add("")
    _header(add, "| runner | examples/s | ratio | runs |")
    _row(
        add,
        [f"this suite ({p['suite_examples']} examples)", f"{p['suite']:.0f}", 1, fmt_runs(p["suite_rates"])],
    )
    if "schemathesis" in p:
        _row(
            add,
            [
                f"Schemathesis positive ({p['schemathesis_examples']} examples, "
                f"{p['schemathesis_requests']} requests)",
                f"{p['schemathesis']:.0f}",
                f"suite is {p['vs_schemathesis']:.1f}x faster",
                fmt_runs(p["schemathesis_rates"]),
            ],
        )
    else:
        add(f"| Schemathesis | not measured: {p['schemathesis_missing']} | | |")
    _row(
        add,
        [
            "raw httpx loop, same requests (the floor)",
            f"{p['raw']:.0f}",
            f"suite takes {p['vs_raw']:.2f}x the floor's time",
            fmt_runs(p["raw_rates"]),
        ],
    )
    add(
        f"| hypothesis alone: the same strategy and settings, a test that does nothing | "
        f"{p['hypothesis']:.0f} | | {fmt_runs(p['hypothesis_rates'])} |"
    )
    add("")
    add(
        f"Bound: one generation plus one bare request per example takes {p['bound']:.2f}x the floor's time; "
        "no hypothesis-driven run can do better on this machine, before it judges a single response. "
        f"The suite runs at {p['of_bound']:.0%} of that speed. Ratios are medians of per-repetition ratios."
    )
    add("")
    add(f"Statuses of the replayed requests: {p['raw_statuses']}.")
    if "schemathesis" in p:
        add(
            f"Schemathesis's own summary (last run): {p['schemathesis_summary']} "
            f"(exit {p['schemathesis_exit']})."
        )
    add("")


def _render_load(add: Add, load: dict[str, Any]) -> None:
    add(
        f"Load generator: {load['generator']}, {load['connections']} connections, "
        f"{load['seconds']:.0f} s per "
        f"run, after a 1 s warm-up; `GET {MODEL_PATH}` with `x-api-key` and `anthropic-version: {CONTRACT}`. "
        "The load generator shares the machine's cores with the server."
    )
    add("")
    _header(add, "| server | requests/s | p50 ms | p99 ms | non-2xx | runs (req/s) |")
    ref = load["reference"]
    _load_row(add, "reference server (uvicorn + httptools)", ref)
    if "prism" in load:
        prism = load["prism"]
        _load_row(add, f"Prism {load['prism_version']} (`prism mock -v warn schemas/openapi.yaml`)", prism)
        add("")
        add(
            f"Ratio: the reference server serves {load['vs_prism']:.1f}x Prism's requests/s; "
            f"p99 {ref['p99_ms']:.2f} ms against Prism's {prism['p99_ms']:.2f} ms. "
            "Prism answers the 108-byte example of openapi.yaml; "
            f"the reference server a full model body. Prism runs with `-v warn` because its default (`info`) "
            "logs every request and is slower still."
        )
    else:
        add(f"| Prism | not measured: {load['prism_missing']} | | | | |")
    for server in ("reference", "prism"):
        if server in load and load[server]["socket_errors"]:
            add(f"wrk against {server}: {load[server]['socket_errors']}")
    add("")


def _load_row(add: Add, server: str, m: dict[str, Any]) -> None:
    _row(
        add,
        [
            server,
            f"{m['rps']:.0f}",
            f"{m['p50_ms']:.2f}",
            f"{m['p99_ms']:.2f}",
            m["non_2xx"],
            fmt_runs(m["rps_runs"]),
        ],
    )


def _render_validation(add: Add, v: dict[str, Any]) -> None:
    add(
        "The body of each response, as the reference server sends it, validated the way the checks do "
        "(`conformance.schemas.model_errors` / `error_envelope_errors`: jsonschema Draft 2020-12 with the "
        "RFC 3339 format checker, every error listed). For comparison, the stock `Draft202012Validator` "
        "on the same schema (`model_validator(...).iter_errors`), which finds the same errors. The last "
        "column is the whole per-exchange judging the suite does for every response (JSON parse, content "
        "type, request id, error envelope or model body), for context."
    )
    add("")
    _header(add, "| response | body bytes | validation µs | stock jsonschema µs | judging one exchange µs |")
    for row in v["rows"]:
        cells = (row["validate_us"], row["stock_us"], row["judge_us"])
        _row(add, [row["response"], row["bytes"], *(f"{us:.1f}" for us in cells)])
    add("")


# The measured sections: the key in the results, the heading, what renders them once measured.
SECTIONS: tuple[tuple[str, str, Callable[[Add, dict[str, Any]], None]], ...] = (
    ("property", "## 1. Property-based phase (SRV-NO-5XX), examples per second", _render_property),
    ("load", "## 2. The reference server under concurrent load", _render_load),
    ("validation", "## 3. Schema validation per response", _render_validation),
)


def _render_walls(add: Add, walls: dict[str, Any], errors: dict[str, str]) -> None:
    add("## 4. Default command-line runs")
    add("")
    add("Wall time from process start to exit (the venv already exists), median of the runs.")
    add("")
    _header(add, "| command | wall s | requests sent | runs (s) | exit | result |")
    for role in ("server", "client"):
        w = walls.get(role)
        if w is None:
            add(f"| `models-conformance {role}` | not measured: {errors.get(role, 'skipped')} | | | | |")
        else:
            exits = ", ".join(map(str, w["exits"]))
            _row(
                add,
                [
                    f"`{w['command']}`",
                    f"{w['wall']:.2f}",
                    w["requests"],
                    fmt_runs(w["walls"], 2),
                    exits,
                    w["summary"],
                ],
            )
    add("")
