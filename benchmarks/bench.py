"""The benchmark: the suite and the reference server against their peers, side by side, in one run.

    nox -s bench                               # the usual way: its own venv, Schemathesis installed
    python benchmarks/bench.py [--examples N]  # from a venv with this package and schemathesis

Everything runs on this machine against 127.0.0.1 only; every load is bounded in time and in count and
stops by itself. It prints the results and writes ``benchmarks/RESULTS.md`` (machine, versions,
every run, medians, ratios). It reports; it judges nothing: the exit status is 1 only when a
measurement that should have run could not (missing optional peers, wrk or Node, and a command
that cannot run in this checkout are reported as such).

What is measured (medians of several repetitions, interleaved so that drift hits every side alike):

1. The generated-id phase of a server run (``_phase.py``: ``send_generated`` timed in a real run, in a
   process of its own) against one reference server process, in examples per second; versus
   Schemathesis (positive mode) on ``schemas/openapi.yaml`` with as many examples against the same
   server; versus a raw httpx loop sending the very requests the phase sent (the floor).
2. Requests sent and MUST coverage of ``models-conformance server`` per profile and contract version.
3. What the pytest plugin adds to an unrelated pytest run.
4. The reference server under concurrent load (wrk when on PATH, else a bounded asyncio socket loop):
   requests/s, p50 and p99 latency; versus Prism serving ``schemas/openapi.yaml`` when Node is there.
5. Judging one answer: the schema validation, stock jsonschema, ``judge_answer``.
6. Wall time and requests sent of the default ``models-conformance server`` and ``client`` runs.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# The measurement modules sit next to this script; Python puts its folder first on sys.path only when it
# runs it as a script and without -P (PYTHONSAFEPATH), so say it here.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import KEY, PERFORMANCE_PAGE, RESULTS, Unavailable, log
from _load import server_load
from _machine import load_average, machine, tool_versions
from _plugin import plugin_cost
from _property import property_phase
from _report import render, with_figures
from _results import targets
from _runs import cli_wall, profile_runs
from _validation import validation_cost

SECTIONS = ("property", "profiles", "plugin", "load", "validation", "cli")


def _sections(text: str) -> frozenset[str]:
    chosen = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(chosen - set(SECTIONS))
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"got {text!r}; choose from {', '.join(SECTIONS)}")
    return chosen


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--examples", type=int, default=500, help="generated examples per property-phase run (default 500)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="property-phase repetitions (default 5)")
    parser.add_argument(
        "--plugin-pairs", type=int, default=40, help="pytest runs with and without the plugin (default 40)"
    )
    parser.add_argument(
        "--load-seconds", type=float, default=5.0, help="seconds per load run (default 5, max 30)"
    )
    parser.add_argument("--load-repeat", type=int, default=3, help="load repetitions per server (default 3)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--cli-repeat", type=int, default=3, help="runs of each default command (default 3)")
    parser.add_argument(
        "--client-args",
        default="--python anthropic",
        help="arguments of the `client` run (default: '--python anthropic', the official SDK in-process)",
    )
    parser.add_argument("--cache", type=Path, help="folder for the Prism install (default: a temporary one)")
    parser.add_argument(
        "--only",
        type=_sections,
        help=f"comma-separated measurements to run, of {','.join(SECTIONS)} (default all); the report "
        "is printed, and written only to --output",
    )
    parser.add_argument("--output", type=Path, help=f"the report (default {RESULTS}, none with --only)")
    args = parser.parse_args(argv)
    if args.output is None and args.only is None:
        args.output = RESULTS
    counts = (args.examples, args.repeat, args.load_repeat, args.cli_repeat)
    if min(counts) < 1 or args.plugin_pairs < 2:
        parser.error("counts must be at least 1, --plugin-pairs at least 2")
    if not 1 <= args.connections <= 256:
        parser.error("--connections must be from 1 to 256")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from models_conformance.contract import CONTRACTS
    from models_conformance.reference.server import spawn

    started = time.perf_counter()
    results: dict[str, Any] = {
        "command": "nox -s bench" if os.environ.get("NOX_CURRENT_SESSION") else "python benchmarks/bench.py",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "options": (
            f"--examples {args.examples} --repeat {args.repeat} --plugin-pairs {args.plugin_pairs} "
            f"--load-seconds {args.load_seconds:g} --load-repeat {args.load_repeat} "
            f"--connections {args.connections} --cli-repeat {args.cli_repeat}"
        ),
        "load_before": load_average(),
        "machine": machine(),
        "versions": tool_versions(),
        "errors": {},
        "walls": {},
    }
    errors: dict[str, str] = results["errors"]
    failed = False

    def attempt(section: str, measure: Callable[[], Any]) -> Any:
        nonlocal failed
        if args.only is not None and section.split(":")[0] not in args.only:
            results.setdefault("not_selected", {})[section] = "not selected (--only)"
            return None
        log(f"measuring: {section}")
        try:
            return measure()
        except Unavailable as reason:
            errors[section] = str(reason)
        except Exception as exc:  # one failed measurement must not lose the others
            failed = True
            errors[section] = f"{type(exc).__name__}: {exc}"
        log(f"{section}: {errors[section]}")
        return None

    with contextlib.ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="conformance-bench-")))
        cache = (args.cache or workdir).resolve()
        with spawn(["--api-key", KEY]) as server:
            log(f"reference server at {server.url}")
            results["property"] = attempt(
                "property",
                lambda: property_phase(server.url, args.examples, args.repeat, workdir, server.process.pid),
            )
            results["load"] = attempt(
                "load",
                lambda: server_load(
                    server.url, args.load_seconds, args.load_repeat, args.connections, cache, workdir
                ),
            )
            results["validation"] = attempt("validation", lambda: validation_cost(server.url))
        results["profiles"] = attempt("profiles", lambda: profile_runs(workdir, CONTRACTS))
        results["plugin"] = attempt("plugin", lambda: plugin_cost(workdir, args.plugin_pairs))
        for role, extra in (("server", []), ("client", args.client_args.split())):
            measure = functools.partial(cli_wall, role, extra, args.cli_repeat, workdir)
            measured = attempt(f"cli:{role}", measure)
            if measured is not None:
                results["walls"][role] = measured
    for section, peer in (("property", "schemathesis"), ("load", "prism")):
        if (results[section] or {}).get(f"{peer}_failed"):
            failed = True
            errors[peer] = results[section][f"{peer}_missing"]
    results["load_after"] = load_average()
    results["total_seconds"] = time.perf_counter() - started
    results["targets"] = targets(results)
    report = render(results)
    print()
    print(report)
    if args.output is not None:
        args.output.write_text(report, encoding="utf-8")
        log(f"wrote {args.output}")
        if args.output == RESULTS:
            page = PERFORMANCE_PAGE.read_text(encoding="utf-8")
            PERFORMANCE_PAGE.write_text(with_figures(page, report), encoding="utf-8")
            log(f"wrote its figures into {PERFORMANCE_PAGE}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
