"""The text of RESULTS.md: machine, versions, targets, then one section per measurement."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from _common import CONTRACT, MODEL_PATH

Add = Callable[[str], None]


def fmt_runs(values: Sequence[float], digits: int = 0) -> str:
    return ", ".join(f"{value:.{digits}f}" for value in values)


def row(add: Add, cells: Iterable[object]) -> None:
    add("| " + " | ".join(map(str, cells)) + " |")


def header(add: Add, text: str) -> None:
    """A table's first line, as written, and the line under it."""
    add(text)
    add("|" + "---|" * text.count(" |"))


def render(results: dict[str, Any]) -> str:
    out: list[str] = []
    add = out.append
    add("# Benchmark results")
    add("")
    add(f"Written by `{results['command']}` on {results['date']}, in {results['total_seconds']:.0f} s,")
    add(f"with `{results['options']}`.")
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
    _render_walls(add, results.get("walls", {}), why)
    if errors:
        add("## Errors and unavailable measurements")
        add("")
        for section, message in errors.items():
            add(f"- {section}: {message}")
        add("")
    return "\n".join(out).rstrip() + "\n"


def _table(add: Add, title: str, table_header: str, rows: Iterable[Sequence[object]]) -> None:
    add(f"## {title}")
    add("")
    header(add, table_header)
    for cells in rows:
        row(add, cells)
    add("")


def _render_property(add: Add, p: dict[str, Any]) -> None:
    add(
        f"One reference server process (`python -m models_conformance.reference --port 0 --api-key KEY`), "
        f"{p['examples_requested']} examples per run, the same seed for every run. The suite's phase is "
        "that of a real run, `models-conformance server --base-url URL --api-key KEY --examples N "
        "--seed S`, run in a process of its own by `benchmarks/_phase.py` with a clock around "
        "`send_generated` (hypothesis's set-up in a fresh process, generation, the request, `judge_answer` "
        "on every answer); the ids of every length band come first, hence "
        f'{p["suite_examples"]} examples. "With verdicts" adds the time `judge()` then takes over the '
        f"phase's exchanges alone ({p['judge_us']:.0f} µs per exchange). Schemathesis runs "
        "`schemas/openapi.yaml`, operation `models-retrieve` only, `--phases fuzzing --mode positive "
        "--checks all --exclude-checks positive_data_acceptance --workers 1`, timed by its own scenario "
        "clock (`elapsed_time` in its NDJSON report). The raw httpx loop sends the very requests the "
        "suite's phase sent (request targets, headers, user-agent; one keep-alive connection), with no "
        "generation and no judging: the floor."
    )
    add("")
    header(add, "| runner | examples/s | ratio | runs |")
    row(add, ["this suite's phase", f"{p['suite']:.0f}", "", fmt_runs(p["suite_rates"])])
    row(add, ["this suite's phase, with verdicts", f"{p['judged']:.0f}", "", fmt_runs(p["judged_rates"])])
    if "schemathesis" in p:
        examples = f"{p['schemathesis_examples']} examples, {p['schemathesis_requests']} requests"
        ratio = f"suite {p['vs_schemathesis']:.2f}x faster ({p['vs_schemathesis_judged']:.2f}x with verdicts)"
        row(
            add,
            [
                f"Schemathesis positive ({examples})",
                f"{p['schemathesis']:.0f}",
                ratio,
                fmt_runs(p["schemathesis_rates"]),
            ],
        )
    else:
        add(f"| Schemathesis | not measured: {p['schemathesis_missing']} | | |")
    ratio = f"suite takes {p['vs_raw']:.2f}x its time ({p['vs_raw_judged']:.2f}x with verdicts)"
    row(
        add, ["raw httpx loop, same requests (the floor)", f"{p['raw']:.0f}", ratio, fmt_runs(p["raw_rates"])]
    )
    add("")
    add("Ratios are medians of the ratios within each repetition, whose runs ran back to back.")
    cpu = p["cpu"]
    if cpu["server_us"] is not None:
        add(
            f"CPU time per example (less sensitive to other load than wall time): the suite's process "
            f"{cpu['suite_us']:.0f} µs, the raw loop {cpu['raw_us']:.0f} µs, the reference server "
            f"{cpu['server_us']:.0f} µs per request of the raw loop."
        )
    add(f"Statuses of the replayed requests: {p['raw_statuses']}.")
    if "schemathesis" in p:
        summary, code = p["schemathesis_summary"], p["schemathesis_exit"]
        add(f"Schemathesis's own summary (last run): {summary} (exit {code}).")
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
    cells = [
        f"{m['rps']:.0f}",
        f"{m['p50_ms']:.2f}",
        f"{m['p99_ms']:.2f}",
        m["non_2xx"],
        fmt_runs(m["rps_runs"]),
    ]
    row(add, [server, *cells])


def _render_validation(add: Add, v: dict[str, Any]) -> None:
    add(
        "The body of each answer, as the reference server sends it, validated the way the judge does "
        "(`models_conformance.schemas.model_errors` / `error_envelope_errors`); for comparison, the stock "
        "jsonschema `Draft202012Validator` on the same schema, which finds the same errors. The last "
        "column is `judge_answer` on the whole exchange, as the property phase runs it on every answer: "
        "the JSON parse, the facts of the exchange, every check that applies."
    )
    add("")
    header(add, "| answer | body bytes | validation µs | stock jsonschema µs | `judge_answer` µs |")
    for case in v["rows"]:
        cells = (case["validate_us"], case["stock_us"], case["judge_us"])
        row(add, [case["response"], case["bytes"], *(f"{us:.1f}" for us in cells)])
    add("")


def _render_profiles(add: Add, rows: list[dict[str, Any]]) -> None:
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


def _render_plugin(add: Add, p: dict[str, Any]) -> None:
    left_out = f", with `{' '.join(p['left_out'])}` in both arms" if p["left_out"] else ""
    add(
        f"An empty project with one trivial test: `{p['command']}` (the plugin loads through its "
        f"`pytest11` entry point) against the same with `-p no:models_conformance`{left_out}; "
        f"{p['pairs']} pairs, the order alternating from pair to pair. Differences are taken within each "
        "pair; CPU time is the pytest process's user plus system time. The import row is the self time of "
        "the modules the plugin imports, within the same pytest run (`python -X importtime -m pytest "
        "...`, median of 7), pytest's rewriting of their asserts included: it rewrites every module of a "
        "plugin's distribution, and keeps the result only where it may write bytecode. It leaves out the "
        "plugin module itself: pytest loads it through importlib, which `-X importtime` does not time."
    )
    state = "set" if p["dont_write_bytecode"] else "not set"
    add(
        f"PYTHONDONTWRITEBYTECODE was {state} for these runs. Where it is set (or site-packages cannot be "
        "written), pytest cannot keep its rewritten bytecode of the package's modules and redoes the "
        "rewriting in every run; that is most of what the plugin costs."
    )
    if p["left_out"]:
        add(
            "Schemathesis is installed for the property phase only; its pytest plugin imports all of "
            "hypothesis, a second of CPU in both arms that would bury the difference in noise."
        )
    add("")
    header(add, "| | median | quartiles | 95% interval of the median |")
    row(add, ["run with the plugin, wall ms", f"{p['with_ms']:.0f}", "", ""])
    row(add, ["run without it, wall ms", f"{p['without_ms']:.0f}", "", ""])
    for key, label in (("wall_ms", "difference, wall ms"), ("cpu_ms", "difference, CPU ms")):
        spread = p[key]
        cells = [f"{spread['median']:.1f}", "{:.1f} to {:.1f}".format(*spread["quartiles"])]
        row(add, [f"**{label}**", *cells, "{:.1f} to {:.1f}".format(*spread["interval"])])
    row(add, ["the modules the plugin imports, within the run, ms", f"{p['import_ms']:.1f}", "", ""])
    add("")
    add(
        "The interval is a box plot's notch, median +- 1.57 IQR / sqrt(pairs): where it spans the 30 ms "
        "target, this machine's noise hides the answer, and more pairs (`--plugin-pairs`) or a quieter "
        "machine would tell."
    )
    add("")


# The measured sections: the key in the results, the heading, what renders them once measured.
SECTIONS: tuple[tuple[str, str, Callable[[Add, Any], None]], ...] = (
    (
        "property",
        "## 1. The generated-id phase (SRV-NO-5XX and the id requirements), examples/s",
        _render_property,
    ),
    ("profiles", "## 2. Requests and MUST coverage per profile", _render_profiles),
    ("plugin", "## 3. The pytest plugin in an unrelated pytest run", _render_plugin),
    ("load", "## 4. The reference server under concurrent load", _render_load),
    ("validation", "## 5. Judging one answer", _render_validation),
)


def _render_walls(add: Add, walls: dict[str, Any], errors: dict[str, str]) -> None:
    add("## 6. Default command-line runs")
    add("")
    add("Wall time from process start to exit (the venv already exists), median of the runs.")
    add("")
    header(add, "| command | wall s | requests sent | runs (s) | exits | result |")
    for role in ("server", "client"):
        w = walls.get(role)
        if w is None:
            why = errors.get(f"cli:{role}", "skipped")
            add(f"| `models-conformance {role}` | unavailable: {why} | | | | |")
        else:
            exits = ", ".join(map(str, w["exits"]))
            cells = [f"`{w['command']}`", f"{w['wall']:.2f}", w["requests"], fmt_runs(w["walls"], 2), exits]
            row(add, [*cells, w["summary"]])
    add("")


# docs/performance.md shows the Targets table of RESULTS.md between these lines; the bench rewrites it.
FIGURES_START = "<!-- the figures: written by `nox -s bench` from benchmarks/RESULTS.md -->"
FIGURES_END = "<!-- end of the figures -->"


def figures(report: str) -> str:
    """The Targets table of a RESULTS.md and the line that dates it, as docs/performance.md shows them."""
    lines = report.splitlines()
    start = lines.index("## Targets") + 2
    end = lines.index("", start)
    written = next(line for line in lines if line.startswith("Written by "))
    date = written.partition("` on ")[2].partition(", in ")[0]
    return "\n".join([f"Medians of the run of {date} (`benchmarks/RESULTS.md`):", "", *lines[start:end]])


def with_figures(page: str, report: str) -> str:
    """``page`` with the figures between its markers replaced by those of ``report``."""
    before, start, rest = page.partition(FIGURES_START)
    _, end, after = rest.partition(FIGURES_END)
    if not start or not end:
        raise ValueError(f"the page lacks the markers {FIGURES_START!r} and {FIGURES_END!r}")
    return f"{before}{start}\n{figures(report)}\n{end}{after}"
