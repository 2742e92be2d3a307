"""``models-conformance drift PATH...``: what recorded traffic shows that the contract does not describe.

Exit status: 0 (drift or not), 1 with ``--fail-on-drift`` when something was found, 2 a usage error:
a path that does not exist or names no file, or no file that could be read. A file that cannot be read
is reported on its own (stderr, and ``sources`` in ``--json``); the others are still read.
"""

from __future__ import annotations

import argparse
import json
import sys

from ..cassettes.options import add_file_limit_options, file_limits
from ..exits import EXIT_USAGE
from ..schemas import CONTRACTS, DEFAULT_CONTRACT
from . import render
from .collect import Drift
from .sources import SUFFIXES, expand, read

__all__ = ["PROG", "add_arguments", "run"]

PROG = "models-conformance drift"
EXIT_DRIFT = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="cassettes (vcrpy, pytest-recording, Ruby VCR, R vcr) or the suite's JSON reports, or folders "
        f"searched for {', '.join('*' + s for s in SUFFIXES)}",
    )
    parser.add_argument(
        "--contract",
        choices=CONTRACTS,
        default=DEFAULT_CONTRACT,
        help="the contract version of a request that does not show its anthropic-version "
        f"(default {DEFAULT_CONTRACT})",
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument(
        "--json", action="store_true", help="print the drift as JSON (README: the drift report)"
    )
    output.add_argument("--markdown", action="store_true", help="print the drift as Markdown")
    parser.add_argument(
        "--fail-on-drift",
        action="store_true",
        help="exit 1 when anything the contract does not describe is seen",
    )
    add_file_limit_options(parser)


def run(args: argparse.Namespace) -> int:
    files, problems = expand(args.paths)
    if problems:
        for problem in problems:
            print(f"{PROG}: error: {problem}", file=sys.stderr)
        print(f"{PROG}: give cassette files, JSON reports, or folders holding them", file=sys.stderr)
        return EXIT_USAGE
    drift = Drift(args.contract)
    limits = file_limits(args)
    sources = [read(path, drift, args.contract, limits, named=named) for path, named in files]
    for source in sources:
        if source.format is None or source.problems:
            print(f"{PROG}: {source.describe()}", file=sys.stderr)
    if not any(source.format not in (None, "ignored") for source in sources):
        print(
            f"{PROG}: error: no file could be read as a cassette (vcrpy, Ruby VCR, R vcr) or as a JSON "
            "report of this suite",
            file=sys.stderr,
        )
        return EXIT_USAGE
    data = {**drift.as_dict(), "sources": [source.as_dict() for source in sources]}
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    elif args.markdown:
        from ..reports.markdown import drift_section

        print("\n".join(drift_section(data)))
    else:
        for source in sources:
            if source.format is not None and not source.problems:
                print(source.describe())
        print()
        print("\n".join(render.table(data)))
    return EXIT_DRIFT if args.fail_on_drift and drift.found else 0
