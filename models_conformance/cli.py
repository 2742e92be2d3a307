"""The ``models-conformance`` command: ``requirements``, ``server`` and ``mock``.

Exit status: 0 no MUST requirement failed, 1 one did, 2 usage error, 3 target unreachable.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx

from . import registry
from .baseline import BaselineError, load_baseline
from .launch import EXIT_UNREACHABLE, EXIT_USAGE, run_suite
from .results import tool_version
from .schemas import CONTRACTS, DEFAULT_CONTRACT
from .sizes import show_size, size_argument
from .transport import Limits

__all__ = ["main"]

SUITE_DIR = Path(__file__).parent / "suite"


def _requirements(args: argparse.Namespace) -> int:
    selected = [r for r in registry.requirements(args.role)]
    if args.json:
        print(json.dumps([r.as_dict() for r in selected], indent=2, ensure_ascii=False))
        return 0
    if args.markdown:
        print(requirements_markdown(selected))
        return 0
    width = max(len(r.id) for r in selected)
    print(f"{'ID':<{width}}  {'level':<6}  {'role':<8}  {'contracts':<21}  statement")
    for r in selected:
        contracts = ",".join(r.contracts)
        print(f"{r.id:<{width}}  {r.level:<6}  {r.role:<8}  {contracts:<21}  {r.statement}")
    return 0


def requirements_markdown(selected: Sequence[registry.Requirement]) -> str:
    """The registry as a Markdown table (the README's requirement table is this output)."""
    lines = ["| ID | level | role | contracts | requirement |", "|---|---|---|---|---|"]
    for r in selected:
        statement = r.statement.replace("|", "\\|")
        if r.condition:
            statement += f" *({r.condition})*"
        lines.append(f"| {r.id} | {r.level} | {r.role} | {', '.join(r.contracts)} | {statement} |")
    return "\n".join(lines)


def _int_at_least(low: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number >= {low}, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"expected a whole number >= {low}, got {text!r}")
        return value

    return parse


def _base_url(text: str) -> str:
    parts = httpx.URL(text) if "://" in text else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.host:
        raise argparse.ArgumentTypeError(
            f"expected an http(s) URL such as http://127.0.0.1:4010, got {text!r}"
        )
    return text.rstrip("/")


def _check_reachable(base_url: str, timeout: float) -> str | None:
    """None when ``base_url``'s host accepts a connection (and a TLS handshake); else one line saying why not.

    Only a connection, no HTTP request: on a paid, rate-limited endpoint every request is the run's to
    spend (the live profile's budget), so the first request is the suite's own.
    """
    import socket
    import ssl

    url = httpx.URL(base_url)
    host = url.host
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=min(timeout, 5.0)) as sock:
            if url.scheme == "https":
                import certifi  # httpx's own trust store, so that this check agrees with the run

                context = ssl.create_default_context(cafile=certifi.where())
                with context.wrap_socket(sock, server_hostname=host):
                    pass
    except socket.gaierror as exc:
        return f"cannot reach {base_url}: the host name {host!r} does not resolve ({exc.strerror})"
    except TimeoutError:
        return f"cannot reach {base_url}: connection timed out after {min(timeout, 5.0):g} s"
    except ssl.SSLError as exc:
        return f"cannot reach {base_url}: the TLS handshake failed ({exc.reason or exc})"
    except OSError as exc:
        return f"cannot reach {base_url}: cannot connect ({exc.strerror or exc})"
    return None


def _server(args: argparse.Namespace) -> int:
    if args.base_url:
        problem = _check_reachable(args.base_url, args.timeout or 10.0)
        if problem:
            print(f"models-conformance server: {problem}", file=sys.stderr)
            return EXIT_UNREACHABLE
    if args.baseline:
        try:
            load_baseline(args.baseline)
        except BaselineError as exc:
            print(f"models-conformance server: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    pytest_args = ["--conformance-contract", args.contract]
    options = {
        "--conformance-base-url": args.base_url,
        "--conformance-report-json": args.report_json,
        "--conformance-report-html": args.report_html,
        "--conformance-report-markdown": args.report_markdown,
        "--conformance-baseline": args.baseline,
        "--conformance-write-baseline": args.write_baseline,
        "--conformance-profile": args.profile,
        "--conformance-max-requests": None if args.max_requests is None else str(args.max_requests),
        "--conformance-rate": None if args.rate is None else str(args.rate),
        "--conformance-max-throttle-wait": None
        if args.max_throttle_wait is None
        else str(args.max_throttle_wait),
        "--conformance-examples": None if args.examples is None else str(args.examples),
        "--conformance-timeout": None if args.timeout is None else str(args.timeout),
        "--conformance-max-body": None if args.max_body is None else str(args.max_body),
        "--conformance-max-header-bytes": None
        if args.max_header_bytes is None
        else str(args.max_header_bytes),
        "--conformance-max-headers": None if args.max_headers is None else str(args.max_headers),
        "--conformance-max-redirects": None if args.max_redirects is None else str(args.max_redirects),
        "--conformance-seed": None if args.seed is None else str(args.seed),
    }
    for flag, value in options.items():
        if value is not None:
            pytest_args += [flag, value]
    for model in args.model:
        pytest_args += ["--conformance-model", model]
    for alias in args.alias:
        pytest_args += ["--conformance-alias", alias]
    if args.api_key:
        # Through the environment, so the key never appears in a process listing or in pytest's output.
        os.environ["ANTHROPIC_API_KEY"] = args.api_key
    return run_suite(SUITE_DIR, SUITE_DIR / "pytest.ini", pytest_args, args.pytest_args)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """Reports, baselines and live-run safety: the same for every suite."""
    reports = parser.add_argument_group("reports and baselines")
    reports.add_argument("--report-html", metavar="PATH", help="write a self-contained HTML report")
    reports.add_argument(
        "--report-markdown", metavar="PATH", help="write a Markdown summary (CI job summary)"
    )
    reports.add_argument(
        "--baseline", metavar="FILE", help="expected failures (YAML or JSON): id, reason, expires"
    )
    reports.add_argument("--write-baseline", metavar="FILE", help="write this run's failures as a baseline")
    live = parser.add_argument_group("live runs")
    live.add_argument(
        "--profile", choices=["default", "live"], help="live: a request budget and a rate limit"
    )
    live.add_argument("--max-requests", type=_int_at_least(1), metavar="N", help="request budget (live: 60)")
    live.add_argument(
        "--rate", type=_positive_float, metavar="R", help="at most R requests per second (live: 1)"
    )
    live.add_argument(
        "--max-throttle-wait",
        type=_positive_float,
        metavar="S",
        help="total wait on 429/529 (default 60; live 120)",
    )


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    """What one answer of the target may take before it is cut and judged incomplete."""
    limits = parser.add_argument_group("limits on each answer (a target that crosses one fails that request)")
    limits.add_argument(
        "--timeout",
        type=_positive_float,
        metavar="S",
        help="seconds one request may take in all: connect, send, headers, body (default 10)",
    )
    limits.add_argument(
        "--max-body",
        type=size_argument,
        metavar="SIZE",
        help=f"largest body read, decoded, e.g. 4MiB (default {show_size(Limits.max_body_bytes)})",
    )
    limits.add_argument(
        "--max-header-bytes",
        type=size_argument,
        metavar="SIZE",
        help=f"largest status line and headers (default {show_size(Limits.max_header_bytes)}, up to 100KiB)",
    )
    limits.add_argument(
        "--max-headers",
        type=_int_at_least(1),
        metavar="N",
        help=f"most headers (default {Limits.max_headers})",
    )
    limits.add_argument(
        "--max-redirects",
        type=_int_at_least(0),
        metavar="N",
        help=f"same-origin redirects followed per request (default {Limits.max_redirects})",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="models-conformance",
        description="Conformance suite for GET /v1/models/{model_id} (Anthropic Models API, 'Get a Model').",
        epilog="exit status: 0 no MUST failed, 1 a MUST failed, 2 usage error, 3 target unreachable",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {tool_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    requirements = commands.add_parser("requirements", help="print the requirement registry")
    output = requirements.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON instead of a table")
    output.add_argument("--markdown", action="store_true", help="print a Markdown table")
    requirements.add_argument("--role", choices=["server", "client", "cassette"], help="only this role")
    requirements.set_defaults(func=_requirements)

    server = commands.add_parser(
        "server",
        help="run the server conformance suite",
        description="Judge a server (the live API, a proxy, a gateway, a mock) against the contract. "
        "Arguments after -- go to pytest.",
    )
    server.add_argument(
        "--base-url", type=_base_url, help="server to test (default: start the reference server)"
    )
    server.add_argument("--api-key", help="API key (default: $ANTHROPIC_API_KEY)")
    server.add_argument("--contract", choices=CONTRACTS, default=DEFAULT_CONTRACT, help="contract version")
    server.add_argument(
        "--model", action="append", default=[], metavar="ID", help="model id to test (repeat)"
    )
    server.add_argument(
        "--alias", action="append", default=[], metavar="NAME", help="alias to resolve (repeat)"
    )
    server.add_argument("--report-json", metavar="PATH", help="write the JSON report here")
    server.add_argument("--seed", type=_int_at_least(0), help="seed for generated cases")
    server.add_argument(
        "--examples",
        type=_int_at_least(1),
        help="generated model ids (default 100; at most what a budget leaves)",
    )
    add_limit_options(server)
    add_run_options(server)
    server.add_argument("pytest_args", nargs="*", help=argparse.SUPPRESS)
    server.set_defaults(func=_server)

    from .reference import cli as mock_cli

    mock = commands.add_parser("mock", help="run the reference server (a drop-in mock)")
    mock_cli.add_arguments(mock)
    mock.set_defaults(func=mock_cli.run)

    from .client import cli as client_cli

    client = commands.add_parser(
        "client", help="run the client conformance suite (an SDK or your own client)"
    )
    client_cli.add_arguments(client)
    client.set_defaults(func=client_cli.run)

    from .cassettes import cli as cassettes_cli

    cassettes = commands.add_parser("cassettes", help="judge recorded traffic (vcrpy, Ruby VCR, R vcr)")
    cassette_commands = cassettes.add_subparsers(dest="cassettes_command", metavar="COMMAND", required=True)
    check = cassette_commands.add_parser(
        "check",
        help="judge every models interaction in the cassettes against the contract",
        description="Judge recordings: responses against the server requirements, recorded requests against "
        "the client requirements, every file against CAS-NO-SECRETS and CAS-NO-ACCOUNT-IDS.",
        epilog="exit status: 0 no MUST failed, 1 a MUST failed, 2 usage error or a file not a cassette",
    )
    cassettes_cli.add_arguments(check)
    check.set_defaults(func=cassettes_cli.run)

    from .drift import cli as drift_cli

    drift = commands.add_parser(
        "drift",
        help="list what recorded traffic shows that the contract does not describe",
        description="List the model fields, enum values, betas, error types and response headers that "
        "cassettes or the suite's JSON reports show and the contract does not describe.",
        epilog="exit status: 0, or 1 with --fail-on-drift when drift was found; 2 usage error",
    )
    drift_cli.add_arguments(drift)
    drift.set_defaults(func=drift_cli.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
