"""The text of RESULTS.md: machine, versions, targets, then one section per measurement."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from _common import CONTRACT, MODEL_PATH
from _report_property import fmt_runs, header, render_callgrind, render_property, row

Add = Callable[[str], None]


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
    # Why a measurement is missing: its error, or that --only left it out.
    why = {**results.get("not_selected", {}), **errors}
    for section, title, body in SECTIONS:
        add(title)
        add("")
        if results.get(section) is None:
            add(f"Not measured: {why.get(section)}")
            add("")
        else:
            body(add, results[section])
        if section == "property":
            _render_callgrind(add, results.get("callgrind"), why)
    _render_walls(add, results.get("walls", {}), why)
    _render_profiles(add, results.get("profiles"), why)
    if errors:
        add("## Errors")
        add("")
        for section, message in errors.items():
            add(f"- {section}: {message}")
        add("")
    return "\n".join(out).rstrip() + "\n"


def _table(add: Add, title: str, table_header: str, rows: Iterable[Sequence[object]]) -> None:
    """A section that is one table."""
    add(f"## {title}")
    add("")
    header(add, table_header)
    for cells in rows:
        row(add, cells)
    add("")


def _render_load(add: Add, load: dict[str, Any]) -> None:
    add(
        f"Load generator: {load['generator']}, {load['connections']} connections, "
        f"{load['seconds']:.0f} s per "
        f"run, after a 1 s warm-up; `GET {MODEL_PATH}` with `x-api-key` and `anthropic-version: {CONTRACT}`. "
        "The load generator shares the machine's cores with the server."
    )
    add("")
    header(add, "| server | requests/s | p50 ms | p99 ms | non-2xx | runs (req/s) |")
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
    row(
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
        "(`models_conformance.schemas.model_errors` / `error_envelope_errors`: jsonschema Draft 2020-12 with the "
        "RFC 3339 format checker, every error listed). For comparison, the stock `Draft202012Validator` "
        "on the same schema (`model_validator(...).iter_errors`), which finds the same errors. The last "
        "column is the whole per-exchange judging the suite does for every response (JSON parse, content "
        "type, request id, error envelope or model body), for context."
    )
    add("")
    header(add, "| response | body bytes | validation µs | stock jsonschema µs | judging one exchange µs |")
    for case in v["rows"]:
        cells = (case["validate_us"], case["stock_us"], case["judge_us"])
        row(add, [case["response"], case["bytes"], *(f"{us:.1f}" for us in cells)])
    add("")


# The measured sections: the key in the results, the heading, what renders them once measured.
SECTIONS: tuple[tuple[str, str, Callable[[Add, dict[str, Any]], None]], ...] = (
    ("property", "## 1. Property-based phase (SRV-NO-5XX), examples per second", render_property),
    ("load", "## 2. The reference server under concurrent load", _render_load),
    ("validation", "## 3. Schema validation per response", _render_validation),
)


def _render_walls(add: Add, walls: dict[str, Any], errors: dict[str, str]) -> None:
    add("## 4. Default command-line runs")
    add("")
    add("Wall time from process start to exit (the venv already exists), median of the runs.")
    add("")
    header(add, "| command | wall s | requests sent | runs (s) | exit | result |")
    for role in ("server", "client"):
        w = walls.get(role)
        if w is None:
            reason = errors.get(f"cli:{role}", "skipped")
            add(f"| `models-conformance {role}` | not measured: {reason} | | | | |")
        else:
            exits = ", ".join(map(str, w["exits"]))
            row(
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


def _render_callgrind(add: Add, counts: dict[str, Any] | None, errors: dict[str, str]) -> None:
    add("### Instructions per example (callgrind)")
    add("")
    if counts is None:
        reason = errors.get("callgrind", "run with --callgrind (needs valgrind and a C compiler)")
        add(f"Not measured: {reason}")
        add("")
    else:
        render_callgrind(add, counts)


def _render_profiles(add: Add, rows: list[dict[str, Any]] | None, errors: dict[str, str]) -> None:
    add("## 5. Requests and MUST coverage per profile")
    add("")
    if rows is None:
        add(f"Not measured: {errors.get('profiles', 'skipped')}")
        add("")
        return
    add(
        "The embedded reference server, one run per profile and contract version, the bench's seed; read "
        "from each run's JSON report: `requests_sent`, and the server MUST requirements that apply to "
        "the contract (per the registry) whose outcome is passed or failed, not skipped."
    )
    add("")
    header(add, "| command | requests sent | MUST judged | wall s | exit | MUST not judged |")
    for r in rows:
        budget = f" (budget {r['max_requests']})" if r["max_requests"] else ""
        missing = "; ".join(f"{rid}: {why}" for rid, why in r["not_judged"].items()) or "none"
        cells = [
            f"`{r['command']}`",
            f"{r['requests_sent']}{budget}",
            f"{r['must_judged']} of {r['must_applying']}",
        ]
        row(add, [*cells, f"{r['wall']:.1f}", r["exit"], missing])
    add("")
