"""``models-conformance client``: judge a client through its connector, or a Python client in-process.

Exit status: 0 no MUST failed, 1 one did, 2 usage error (e.g. no such connector command), 3 the
client cannot be reached (the connector exits at once or never says hello).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from ..launch import EXIT_UNREACHABLE, EXIT_USAGE, run_suite
from ..schemas import CONTRACTS, DEFAULT_CONTRACT
from .connector import Connector, ConnectorMissing, ConnectorUnavailable
from .inprocess import ClientSpecError, load
from .plugin import CLIENT_EXAMPLES, CLIENT_SUITE, CLIENT_TIMEOUT_S

__all__ = ["add_arguments", "run"]


def _number(kind: type[int] | type[float], *, zero: bool = False) -> Callable[[str], int | float]:
    wanted = f"a {'non-negative' if zero else 'positive'} {'whole number' if kind is int else 'number'}"

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}") from None
        if value < 0 or (value == 0 and not zero):
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}")
        return value

    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Judge a client of GET /v1/models/{model_id} (an SDK or your own code) against the CLI-* "
        "requirements, through a connector (any language) or in this process (Python). Arguments after -- go "
        "to pytest."
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--connector", metavar="CMD", help="connector command (JSON lines on stdin/stdout)")
    which.add_argument("--python", metavar="SPEC", help="'anthropic' (the official SDK) or module:factory")
    parser.add_argument("--contract", choices=CONTRACTS, default=DEFAULT_CONTRACT, help="contract version")
    parser.add_argument("--report-json", metavar="PATH", help="write the JSON report here")
    parser.add_argument("--seed", type=_number(int, zero=True), help="seed for generated cases")
    parser.add_argument(
        "--examples",
        type=_number(int),
        default=CLIENT_EXAMPLES,
        help=f"generated cases per property (default {CLIENT_EXAMPLES})",
    )
    parser.add_argument(
        "--timeout",
        type=_number(float),
        default=CLIENT_TIMEOUT_S,
        help=f"the client's timeout in ordinary calls, seconds (default {CLIENT_TIMEOUT_S})",
    )
    parser.add_argument("pytest_args", nargs="*", help=argparse.SUPPRESS)


def _preflight(args: argparse.Namespace) -> int | None:
    """Fail fast, in one line, when the client cannot be started at all."""
    try:
        if args.connector:
            connector = Connector(args.connector)
            try:
                connector.start()
            finally:
                connector.close()
        else:
            load(args.python).close()
    except (ConnectorMissing, ClientSpecError) as exc:
        print(f"models-conformance client: usage error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ConnectorUnavailable as exc:
        print(f"models-conformance client: cannot start the connector: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    return None


def run(args: argparse.Namespace) -> int:
    problem = _preflight(args)
    if problem is not None:
        return problem
    options = [
        f"--conformance-contract={args.contract}",
        f"--conformance-examples={args.examples}",
        f"--conformance-timeout={args.timeout}",
    ]
    if args.connector:
        options.append(f"--conformance-client-connector={args.connector}")
    else:
        options.append(f"--conformance-client-python={args.python}")
    if args.report_json:
        options.append(f"--conformance-report-json={args.report_json}")
    if args.seed is not None:
        options.append(f"--conformance-seed={args.seed}")
    suite = Path(CLIENT_SUITE)
    # The client suite shares the server suite's ini file (one folder up).
    return run_suite(suite, suite.parent / "pytest.ini", options, args.pytest_args)
