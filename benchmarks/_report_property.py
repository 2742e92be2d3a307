"""The text of RESULTS.md's property-phase sections: the runners, the breakdown, the instruction counts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from _results import TARGETS

Add = Callable[[str], None]


def fmt_runs(values: Sequence[float], digits: int = 0) -> str:
    return ", ".join(f"{value:.{digits}f}" for value in values)


def row(add: Add, cells: Iterable[object]) -> None:
    add("| " + " | ".join(map(str, cells)) + " |")


def header(add: Add, text: str) -> None:
    """A table's first line, as written, and the line under it."""
    add(text)
    add("|" + "---|" * text.count(" |"))


def render_property(add: Add, p: dict[str, Any]) -> None:
    add(
        "One reference server process (`python -m models_conformance.reference`), "
        f"{p['examples_requested']} examples "
        "per run, the same seed for every run. The suite is the real one (`models-conformance server "
        "--base-url URL --examples N --seed S -- -k no_model_id`), timed around the test's call phase "
        "(hypothesis generation, the request, the check, and the judging of every response by the "
        "every-response observer). Schemathesis runs `schemas/openapi.yaml`, operation `models-retrieve` "
        "only, `--phases fuzzing --mode positive --checks all --exclude-checks positive_data_acceptance "
        "--workers 1`, timed by its own scenario clock (`elapsed_time` in its NDJSON report). The raw "
        "httpx loop sends the very requests the suite sent (same request targets and headers, one "
        "keep-alive connection) with no generation and no judging. Generation is the suite's own run "
        "with every request answered from memory and nothing judged (`conformance_bench_timing.py`, "
        "mode `offline`): hypothesis, the strategy, the test's code and pytest, as the suite pays for them."
    )
    add("")
    header(add, "| runner | examples/s | ratio | runs |")
    row(
        add,
        [f"this suite ({p['suite_examples']} examples)", f"{p['suite']:.0f}", 1, fmt_runs(p["suite_rates"])],
    )
    if "schemathesis" in p:
        row(
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
    row(
        add,
        [
            "raw httpx loop, same requests (the floor)",
            f"{p['raw']:.0f}",
            f"suite takes {p['vs_raw']:.2f}x the floor's time",
            fmt_runs(p["raw_rates"]),
        ],
    )
    row(
        add,
        [
            "generation alone: the suite's run answered from memory, nothing judged",
            f"{p['offline']:.0f}",
            "same examples as the suite" if p["same_examples"] else "**other examples than the suite**",
            fmt_runs(p["offline_rates"]),
        ],
    )
    row(
        add,
        [
            "raw httpx loop paced by generation: the same requests, each after generation's time of busy CPU",
            f"{p['paced']:.0f}",
            f"takes {p['paced_bound']:.2f}x the floor's time",
            fmt_runs(p["paced_rates"]),
        ],
    )
    row(
        add,
        [
            "hypothesis alone in the bench's process, warm (leaves out the set-up and the suite's process)",
            f"{p['hypothesis']:.0f}",
            "",
            fmt_runs(p["hypothesis_rates"]),
        ],
    )
    add("")
    add(
        f"Bound: one generation as the suite pays for it plus one bare request per example. Computed "
        f"from the runs above, it takes {p['bound']:.2f}x the floor's time; measured by the paced loop, "
        f"{p['paced_bound']:.2f}x, because requests that come one generation apart take "
        f"{p['paced_request_us']:.0f} µs each instead of the floor's {p['request_us']:.0f} µs: the "
        "server's core idles between them and wakes up late, whoever the client is. No run of these "
        "examples driven by hypothesis can do better on this machine, before it judges a single "
        f"response. The suite runs at {p['of_paced']:.0%} of the measured bound's speed "
        f"({p['of_bound']:.0%} of the computed one's). Hypothesis alone, warm in the bench's process, "
        f"would put the computed bound at {p['warm_bound']:.2f}x: it leaves out the one-off set-up and "
        "the suite's process. Ratios are medians of per-repetition ratios."
    )
    add("")
    target, bounds, ratios = TARGETS["vs_raw"], p["paced_bounds"], p["vs_raw_runs"]
    spread = (
        f"Per repetition, the bound measured {min(bounds):.2f}-{max(bounds):.2f}x and the suite "
        f"{min(ratios):.2f}-{max(ratios):.2f}x the floor's time; generating the examples alone takes "
        f"{p['bound'] - 1:.2f}x the floor's time."
    )
    if min(bounds) > target:
        verdict = (
            f"The target of {target:.0f}x is out of reach of these examples generated by hypothesis on "
            f"this machine: the best achievable is the bound, {p['paced_bound']:.2f}x."
        )
    elif max(bounds) < target:
        verdict = (
            f"The target of {target:.0f}x leaves {target - p['paced_bound']:.2f}x of the floor's time "
            "beyond the bound for sending and judging."
        )
    else:
        verdict = (
            f"The target of {target:.0f}x lies within the bound's spread: whether a run meets it depends "
            "on the machine's noise as much as on the suite, which can at best reach the bound."
        )
    add(f"{spread} {verdict}")
    add("")
    cpu = p["cpu"]
    server = cpu["server_us"]
    if server is not None:
        ratio = (cpu["suite_us"] + server) / (cpu["raw_us"] + server)
        add(
            f"CPU time per example (less sensitive to other load than wall time): the suite's process "
            f"{cpu['suite_us']:.0f} µs, generation alone {cpu['offline_us']:.0f} µs, the raw loop "
            f"{cpu['raw_us']:.0f} µs, the reference server {server:.0f} µs per request. Suite and server "
            f"against raw loop and server: {ratio:.2f}x."
        )
        add("")
    add(f"Statuses of the replayed requests: {p['raw_statuses']}.")
    if "schemathesis" in p:
        summary, code = p["schemathesis_summary"], p["schemathesis_exit"]
        add(f"Schemathesis's own summary (last run): {summary} (exit {code}).")
    add("")
    render_breakdown(add, p["breakdown"])


def render_breakdown(add: Add, b: dict[str, Any]) -> None:
    add("### Where the suite's time per example goes")
    add("")
    add(
        "Medians over the repetitions of µs per example: a run of the suite with timers around "
        "Target.send, the httpx calls inside it and the observers (mode `zones`; the timers add "
        f"{b['zones_overhead'] - 1:+.0%} to the suite's time), the run answered from memory (generation), "
        "the same with one example (the one-off set-up), and the floor's loop paced by generation. The "
        'rows down to the total add up to it, the "of which" rows aside.'
    )
    add("")
    header(add, "| part | µs per example | x the floor's time | runs |")
    floor = b["floor_us"]
    for item in b["rows"]:
        label = f"**{item['label']}**" if item["key"] == "total" else item["label"]
        row(add, [label, f"{item['us']:.0f}", f"{item['us'] / floor:.2f}", fmt_runs(item["runs"])])
    row(
        add,
        ["the suite without timers, per example", f"{b['suite_us']:.0f}", f"{b['suite_us'] / floor:.2f}", ""],
    )
    row(add, ["the floor (raw httpx loop), per request", f"{floor:.0f}", "1.00", ""])
    add("")


def render_callgrind(add: Add, c: dict[str, Any]) -> None:
    add(
        f"Callgrind (valgrind), {c['examples']} examples, PYTHONHASHSEED=0: thousands of instructions "
        "per example in the client process only (the reference server, the kernel and waits are not "
        "counted), repeatable to about 0.1% on a busy machine. Each zone is a C frame around the "
        "same calls the wall-time timers wrap (`_callgrind.py`)."
    )
    add("")
    rest = c["suite"] - c["generation"] - c["target"] - c["httpx"] - c["judging"]
    rows = [
        ("generation (the run answered from memory)", c["generation"]),
        ("  of which the one-off set-up, spread over the examples", c["setup"]),
        ("request: Target.send's own work", c["target"]),
        ("request: httpx build_request and send", c["httpx"]),
        ("judging every response", c["judging"]),
        ("the rest", rest),
        ("**the suite, per example**", c["suite"]),
        ("of all of the above, garbage collection", c["gc"]),
        ("the floor (raw httpx loop), per request", c["raw"]),
    ]
    header(add, "| part | k instructions per example | x the floor's |")
    for label, value in rows:
        row(add, [label, f"{value:.0f}", f"{value / c['raw']:.2f}" if c["raw"] else "-"])
    add("")
    if not c["same_examples"]:
        add("The run answered from memory drew other examples than the suite's run: its row is approximate.")
        add("")
