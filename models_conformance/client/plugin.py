"""pytest wiring of the client suite: options, the client fixtures, the role and context of the report.

Loaded with the server plugin (``models_conformance.plugin`` lists it in ``pytest_plugins``).
The per-requirement
verdicts, the table and the exit status are the server plugin's, shared; this module only adds what
is specific to judging a client.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from .. import plugin as shared
from ..exchange import redact
from ..launch import EXIT_UNREACHABLE, EXIT_USAGE
from ..settings import Settings
from .connector import Connector, ConnectorMissing, ConnectorUnavailable
from .inprocess import ClientSpecError, InProcess, load
from .protocol import PROTOCOL_VERSION, Driver
from .run import ClientRun
from .scenario import ScenarioServer

__all__ = ["conformance_client", "conformance_client_run"]

CLIENT_SUITE = Path(__file__).resolve().parent.parent / "suite" / "client"
CLIENT_RUN = pytest.StashKey[ClientRun]()
CLIENT_SETTINGS = pytest.StashKey[Settings]()
# Defaults of the client suite where the shared settings' defaults suit a server: every generated
# example is a round trip through the client, and a well-behaved client answers a local server at once.
CLIENT_EXAMPLES = 50
CLIENT_TIMEOUT_S = 5.0

_OPTIONS = {
    "connector": ("CONFORMANCE_CLIENT_CONNECTOR", "connector command of the client to judge (client suite)"),
    "python": ("CONFORMANCE_CLIENT_PYTHON", "Python client to judge in-process: anthropic or module:factory"),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance")
    for name, (env, help_text) in _OPTIONS.items():
        group.addoption(
            f"--conformance-client-{name}",
            dest=f"conformance_client_{name}",
            default=None,
            help=f"{help_text} [env {env}]",
        )


def _option(config: pytest.Config, name: str) -> str | None:
    # Command line, then environment: the same order as the shared settings.
    value = config.getoption(f"conformance_client_{name}", None)
    return value or os.environ.get(_OPTIONS[name][0]) or None


def _client_suite_selected(config: pytest.Config) -> bool:
    """Whether the command line names the client suite (a server run with a client option does not)."""
    for arg in config.args:
        name = str(arg).split("::", 1)[0]
        if name.startswith("models_conformance.suite.client"):
            return True
        path = Path(name)
        if path.exists() and (path.resolve() == CLIENT_SUITE or CLIENT_SUITE in path.resolve().parents):
            return True
    return False


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    # A server run (`pytest --pyargs models_conformance.suite`) must not collect the client checks.
    if collection_path.resolve() == CLIENT_SUITE and not _client_suite_selected(config):
        return True
    return None


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    # The verdicts are reported per requirement of one role: the client's, when its suite runs.
    if _client_suite_selected(config):
        config.stash[shared.RESULTS].role = "client"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Also the client's role for a user's own module that imports the client checks.
    marked = [str(m.args[0]) for item in items for m in item.iter_markers("requirement")]
    if marked and all(rid.startswith("CLI-") for rid in marked):
        config.stash[shared.RESULTS].role = "client"


@pytest.hookimpl(wrapper=True)
def pytest_report_header(config: pytest.Config) -> Generator[None, list[Any], list[Any]]:
    headers = yield
    if not _client_suite_selected(config):
        return headers
    # The shared header names a server target, which a client run does not have.
    kept = [
        h
        for h in headers
        if not (isinstance(h, list) and any(str(line).startswith("conformance: target") for line in h))
    ]
    settings = _client_settings(config)
    kept.append(
        f"conformance: client suite, contract {settings.contract}, seed {settings.seed} "
        f"(reproduce with --conformance-seed {settings.seed})"
    )
    return kept


def _client_settings(config: pytest.Config) -> Settings:
    if CLIENT_SETTINGS not in config.stash:
        settings = shared._settings(config)
        sources = settings.sources
        config.stash[CLIENT_SETTINGS] = replace(
            settings,
            examples=CLIENT_EXAMPLES if sources.get("examples") == "default" else settings.examples,
            timeout=CLIENT_TIMEOUT_S if sources.get("timeout") == "default" else settings.timeout,
        )
    return config.stash[CLIENT_SETTINGS]


def _usage_error(message: str) -> None:
    pytest.exit(f"models-conformance client: usage error: {message}", returncode=EXIT_USAGE)


@pytest.fixture(scope="session")
def conformance_client(pytestconfig: pytest.Config) -> Iterator[object]:
    """The client under test, from ``--conformance-client-connector`` or ``--conformance-client-python``.

    Override it to judge your own Python client: return any object with the
    :class:`models_conformance.client.Client` method ``retrieve(...)``.
    """
    connector, python = _option(pytestconfig, "connector"), _option(pytestconfig, "python")
    if connector and python:
        _usage_error(
            "give one client: --conformance-client-connector or --conformance-client-python, not both"
        )
    driver: Driver
    if connector:
        driver = Connector(connector)
        try:
            driver.start()
        except ConnectorMissing as exc:
            _usage_error(str(exc))
        except ConnectorUnavailable as exc:
            pytest.exit(
                f"models-conformance client: cannot start the connector: {exc}",
                returncode=EXIT_UNREACHABLE,
            )
    elif python:
        try:
            driver = load(python)
        except ClientSpecError as exc:
            _usage_error(str(exc))
    else:
        _usage_error(
            "the client suite needs a client: --conformance-client-connector CMD, "
            "--conformance-client-python SPEC (e.g. anthropic), or a conformance_client fixture of your own"
        )
    try:
        yield driver
    finally:
        driver.close()


def _as_driver(client: object) -> Driver:
    if callable(getattr(client, "answer", None)):
        return client  # type: ignore[return-value]
    try:
        return InProcess(client)  # type: ignore[arg-type]
    except ClientSpecError as exc:
        raise pytest.UsageError(f"conformance_client: {exc}") from None


@pytest.fixture(scope="session")
def conformance_client_run(pytestconfig: pytest.Config, conformance_client: object) -> Iterator[ClientRun]:
    """The scenario server and the client under test, with the run's settings and counters."""
    settings = _client_settings(pytestconfig)
    with ScenarioServer() as server:
        run = ClientRun(
            _as_driver(conformance_client),
            server,
            contract=settings.contract,
            seed=settings.seed,
            examples=settings.examples,
            timeout_s=settings.timeout,
        )
        pytestconfig.stash[CLIENT_RUN] = run
        try:
            yield run
        finally:
            run.finished = time.monotonic()
            # What the shared plugin puts in the report and the summary; a client run has no server target.
            pytestconfig.stash[shared.CONTEXT].update(
                target={**run.describe(), "protocol": PROTOCOL_VERSION},
                description=f"client {run.driver.name} {run.driver.version} ({run.driver.describe()})",
                requests_sent=run.requests_sent,
            )


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    run = config.stash.get(CLIENT_RUN, None)
    if run is None:
        return
    terminalreporter.write_line(
        f"client calls: {run.calls}; requests the scenario server received: {run.requests_sent}; "
        f"wall time of the client suite: {run.wall_time():.1f} s"
    )


@pytest.hookimpl(wrapper=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> Generator[None, None, None]:
    yield
    config = session.config
    run = config.stash.get(CLIENT_RUN, None)
    settings = config.stash.get(shared.SETTINGS, None)
    if (
        run is None
        or settings is None
        or not settings.report_json
        or not Path(settings.report_json).is_file()
    ):
        return
    # The shared plugin wrote the report; add what only a client run has.
    report = json.loads(Path(settings.report_json).read_text(encoding="utf-8"))
    report.update(calls=run.calls, wall_time_s=round(run.wall_time(), 2))
    harness = {item.nodeid for item in config.stash[shared.RESULTS].items if item.harness_error}
    for result in report.get("results", []):
        for check in result.get("checks", []):
            check["harness_error"] = check["nodeid"] in harness
    text = json.dumps(report, indent=2, ensure_ascii=False)
    Path(settings.report_json).write_text(redact(text) + "\n", encoding="utf-8")
