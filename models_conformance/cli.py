"""The ``models-conformance`` command: ``server``, ``client``, ``cassettes check``, ``mock``, ``drift``,
``requirements``.

Every judging command does the same: settings, a runner that produces a transcript, the judge, the
verdicts, the reports. Exit status: 0 no MUST requirement failed, 1 one did, 2 usage error, 3 the
target cannot be reached (:mod:`.exits`).
"""

from __future__ import annotations

import argparse
import difflib
import ipaddress
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .exits import EXIT_FAILED, EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE
from .options import CLIENT_DEFAULTS, OPTIONS
from .settings import Settings, SettingsError, resolve

__all__ = ["build_parser", "main"]

PROG = "models-conformance"
_LIMITS = ("timeout", "max-body", "max-header-bytes", "max-headers", "max-redirects")
_SERVER = (
    "base-url",
    "api-key",
    "contract",
    "model",
    "alias",
    "seed",
    "examples",
    "profile",
    "max-requests",
    "rate",
    "max-throttle-wait",
    "record",
)
_REPORTS = ("report-json", "report-html", "report-markdown", "report-junit", "baseline", "write-baseline")
_CLIENT = ("contract", "seed", "examples", "timeout")


class _Parser(argparse.ArgumentParser):
    """Usage errors name the command in use and, for a misspelt flag, the one that was meant."""

    def unrecognized(self, extra: Sequence[str]) -> None:
        flags = [flag for action in self._actions for flag in action.option_strings]
        hints = [
            f"{arg} (did you mean {match[0]}?)"
            if (match := difflib.get_close_matches(arg.split("=")[0], flags, 1))
            else arg
            for arg in extra
        ]
        self.error(f"unrecognized arguments: {', '.join(hints)}; `{self.prog} --help` lists the options")


def _add(parser: argparse.ArgumentParser, names: Sequence[str], title: str | None = None) -> None:
    group = parser.add_argument_group(title) if title else parser
    for name in names:
        option = OPTIONS[name]
        dest = name.replace("-", "_")
        kwargs: dict[str, Any] = {"dest": dest, "help": option.help, "metavar": option.metavar}
        if option.kind == "multiple":
            kwargs["action"] = "append"
        if option.kind == "choice":
            kwargs.update(choices=option.choices, metavar=None)
        group.add_argument(option.flag, **kwargs)


def _settings(args: argparse.Namespace, names: Sequence[str], **defaults: Any) -> Settings:
    given = {name: getattr(args, name.replace("-", "_"), None) for name in names}
    return resolve(given, defaults=defaults)


def _usage(command: str, message: str) -> int:
    print(f"{PROG} {command}: usage error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _finish(
    command: str, transcript: Any, settings: Settings, reproduce: str | None = None, **verdict_options: Any
) -> int:
    """Judge the transcript, print the summary, write the reports; the exit status."""
    from .baseline import BaselineError, load_baseline
    from .drift.collect import drift_of
    from .judge import judge
    from .outputs import summary_lines, write
    from .reports.view import reproduce_command
    from .verdicts import Verdicts

    try:
        baseline = load_baseline(settings.baseline) if settings.baseline else None
    except BaselineError as exc:
        return _usage(command, str(exc))
    verdicts = Verdicts(judge(transcript), contract=settings.contract, baseline=baseline, **verdict_options)
    context = {"contract": settings.contract, **transcript.context}
    if transcript.role != "cassette":
        context["seed"] = settings.seed
    if transcript.exchanges and transcript.role != "client":
        context["drift"] = drift_of(transcript.exchanges, settings.contract).as_dict()
    write(verdicts, settings, context)
    reproduce = reproduce or reproduce_command(verdicts.report(**context)) or f"{PROG} {command} ..."
    print("\n".join(summary_lines(verdicts, context, reproduce)))
    return EXIT_FAILED if verdicts.fails_run() else EXIT_OK


def _server(args: argparse.Namespace) -> int:
    from .server.run import MOCK_KEY, KeyRejected, run_server
    from .server.target import TargetUnreachable

    settings = _settings(args, (*_SERVER, *_LIMITS, *_REPORTS))
    if settings.api_key is None and settings.base_url and not _loopback(settings.base_url):
        return _usage(
            "server", f"no API key for {settings.base_url}: pass --api-key KEY or set ANTHROPIC_API_KEY"
        )
    if settings.api_key is None and settings.base_url:
        print(
            f"no API key given: sending the mock's key {MOCK_KEY!r} to the loopback target", file=sys.stderr
        )
    try:
        run = run_server(settings)
    except TargetUnreachable as exc:
        print(f"{PROG} server: cannot reach the target: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except KeyRejected as exc:
        origin = {"command line": "--api-key", "ANTHROPIC_API_KEY": "$ANTHROPIC_API_KEY"}.get(
            settings.sources.get("api-key", ""), f"the mock's key {MOCK_KEY!r}, sent because no key was given"
        )
        return _usage("server", f"{exc} (the key sent came from {origin})")
    if settings.record:
        from .cassettes.record import write_transcript

        rejected = write_transcript(run.transcript, settings.record)
        for reason in rejected:
            print(f"{PROG} server: the recording was deleted (CAS-NO-SECRETS): {reason}", file=sys.stderr)
    code = _finish("server", run.transcript, settings, role="server", hints=run.hints)
    if settings.record and rejected:
        return EXIT_FAILED
    if run.throttled:
        print(f"{PROG} server: no verdict on what was left: {run.stopped}", file=sys.stderr)
        return EXIT_UNREACHABLE
    return code


def _client(args: argparse.Namespace) -> int:
    from .client.connector import Connector, ConnectorMissing, ConnectorUnavailable
    from .client.inprocess import ClientSpecError, load
    from .client.run import run_client

    settings = _settings(args, (*_CLIENT, *_REPORTS), **CLIENT_DEFAULTS)
    try:
        driver = Connector(args.connector) if args.connector else load(args.python)
        if isinstance(driver, Connector):
            driver.start()
    except (ConnectorMissing, ClientSpecError) as exc:
        return _usage("client", str(exc))
    except ConnectorUnavailable as exc:
        print(f"{PROG} client: cannot start the connector: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    try:
        transcript = run_client(
            driver,
            contract=settings.contract,
            seed=settings.seed,
            examples=settings.examples,
            timeout_s=settings.timeout,
        )
    finally:
        driver.close()
    return _finish("client", transcript, settings, role="client")


def _cassettes(args: argparse.Namespace) -> int:
    from .cassettes.check import JUDGED, read
    from .cassettes.options import file_limits
    from .cassettes.paths import cassette_files

    settings = _settings(args, ("contract", *_REPORTS))
    files, problems = cassette_files(args.paths)
    if problems:
        return _usage("cassettes check", "; ".join(problems))
    transcript, summaries = read(files, settings.contract, file_limits(args))
    for summary in summaries:
        print(summary.describe())
    transcript.context["files"] = [summary.as_dict() for summary in summaries]
    again = " ".join(shlex.quote(path) for path in ["models-conformance", "cassettes", "check", *args.paths])
    code = _finish("cassettes check", transcript, settings, again, role="cassette", requirement_ids=JUDGED)
    unreadable = any(summary.problems for summary in summaries)
    return EXIT_USAGE if code == EXIT_OK and unreadable else code


def _requirements(args: argparse.Namespace) -> int:
    import json

    from . import registry

    selected = list(registry.requirements(args.role))
    if args.json:
        print(json.dumps([r.as_dict() for r in selected], indent=2, ensure_ascii=False))
        return EXIT_OK
    if args.markdown:
        from .docs import requirements_markdown

        sys.stdout.write(requirements_markdown(selected))
        return EXIT_OK
    width = max(len(r.id) for r in selected)
    print(f"{'ID':<{width}}  {'level':<6}  {'role':<8}  statement")
    for r in selected:
        print(f"{r.id:<{width}}  {r.level:<6}  {r.role:<8}  {r.statement}")
    return EXIT_OK


def build_parser() -> _Parser:
    from .cassettes.options import add_file_limit_options
    from .version import tool_version

    parser = _Parser(
        prog=PROG,
        description="Conformance suite for GET /v1/models/{model_id} (Anthropic Models API, 'Get a Model').",
        epilog="exit status: 0 no MUST failed, 1 a MUST failed, 2 usage error, 3 target unreachable",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {tool_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)

    server = commands.add_parser(
        "server",
        help="judge a server (the live API, a proxy, a gateway, a mock)",
        description="Judge a server against the contract: probes, generated ids, "
        "every answer judged against every requirement that applies.",
    )
    _add(server, _SERVER)
    _add(server, _LIMITS, "limits on each answer (a target that crosses one fails that request)")
    _add(server, _REPORTS, "reports and baselines")
    server.set_defaults(func=_server, parser=server)

    client = commands.add_parser(
        "client",
        help="judge a client (an SDK or your own code, any language)",
        description="Judge a client of GET /v1/models/{model_id} against the CLI-* "
        "requirements, through a connector (any language) or in this process.",
    )
    which = client.add_mutually_exclusive_group(required=True)
    which.add_argument("--connector", metavar="CMD", help="connector command (JSON lines on stdin/stdout)")
    which.add_argument("--python", metavar="SPEC", help="'anthropic' (the official SDK) or module:factory")
    _add(client, _CLIENT)
    _add(client, _REPORTS, "reports and baselines")
    client.set_defaults(func=_client, parser=client)

    cassettes = commands.add_parser("cassettes", help="judge recorded traffic (vcrpy, Ruby VCR, R vcr)")
    sub = cassettes.add_subparsers(
        dest="cassettes_command", metavar="COMMAND", required=True, parser_class=_Parser
    )
    check = sub.add_parser(
        "check",
        help="judge every models interaction of the cassettes",
        description="Judge recordings: answers under the server requirements, recorded "
        "requests under the client's, every file under CAS-NO-SECRETS and CAS-NO-ACCOUNT-IDS.",
        epilog="exit status: 0 no MUST failed, 1 a MUST failed, 2 usage error or a file that "
        "is not a cassette",
    )
    check.add_argument(
        "paths", nargs="+", metavar="PATH", help="cassette files, or folders of *.yaml and *.yml"
    )
    _add(check, ("contract",))
    add_file_limit_options(check)
    _add(check, _REPORTS, "reports and baselines")
    check.set_defaults(func=_cassettes, parser=check)

    from .reference import cli as mock_cli

    mock = commands.add_parser("mock", help="run the reference server (a drop-in mock)")
    mock_cli.add_arguments(mock)
    mock.set_defaults(func=mock_cli.run, parser=mock)

    from .drift import cli as drift_cli

    drift = commands.add_parser(
        "drift",
        help="list what recorded traffic shows that the contract does not describe",
        epilog="exit status: 0, or 1 with --fail-on-drift when drift was found; 2 usage error",
    )
    drift_cli.add_arguments(drift)
    drift.set_defaults(func=drift_cli.run, parser=drift)

    requirements = commands.add_parser("requirements", help="print the requirement registry")
    output = requirements.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON instead of a table")
    output.add_argument("--markdown", action="store_true", help="print the docs page (Markdown)")
    requirements.add_argument("--role", choices=["server", "client", "cassette"], help="only this role")
    requirements.set_defaults(func=_requirements, parser=requirements)
    return parser


def _hypothesis_storage() -> None:
    """Keep hypothesis's files in a per-user cache, unless HYPOTHESIS_STORAGE_DIRECTORY says where.

    By default hypothesis writes them under ``./.hypothesis`` of wherever the command runs, and
    computes its Unicode tables again in every fresh directory. Nothing else is stored: the example
    database is off.
    """
    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        return
    try:
        cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    except RuntimeError:  # no home directory to be found: hypothesis's own default stays
        return
    os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(Path(cache) / "models-api-conformance" / "hypothesis")


def main(argv: Sequence[str] | None = None) -> int:
    _hypothesis_storage()
    # What a target sent is printed as it came; a lone surrogate in it must not end the run.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        args.parser.unrecognized(extra)
    try:
        return int(args.func(args))
    except SettingsError as exc:
        return _usage(args.command, str(exc))
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
