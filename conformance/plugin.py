"""The pytest plugin: options, fixtures, per-requirement verdicts, report and exit status.

It only wires pytest to the modules that do the work (settings, run, checks, results). Loaded
through the ``pytest11`` entry point, it stays inert in a user's own test session except for the
fixtures and helpers it offers, until a test that names a requirement runs.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Any

import pytest

from . import registry
from .failures import Blocked, ConformanceFailure
from .results import ItemResult, Results, item_from_exception
from .run import KeyRejected, ServerRun, TargetUnreachable, start
from .settings import Settings, SettingsError, add_options, resolve
from .target import Target

__all__ = ["conformance_reference_server", "conformance_run", "conformance_settings", "conformance_target"]

RESULTS = pytest.StashKey[Results]()
RUN = pytest.StashKey[ServerRun]()
SETTINGS = pytest.StashKey[Settings]()

EXIT_USAGE = 2
EXIT_UNREACHABLE = 3


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "requirement(id): the registry requirement (e.g. SRV-404) that this check judges"
    )
    config.addinivalue_line(
        "markers", "every_response: judges all the traffic of the run, so it runs after every other check"
    )
    config.stash[RESULTS] = Results("server")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Stable partition: checks over the whole run's traffic go last.
    items.sort(key=lambda item: item.get_closest_marker("every_response") is not None)


def _settings(config: pytest.Config) -> Settings:
    if SETTINGS not in config.stash:
        try:
            config.stash[SETTINGS] = resolve(config)
        except SettingsError as exc:
            pytest.exit(f"models-conformance: usage error: {exc}", returncode=EXIT_USAGE)
    return config.stash[SETTINGS]


@pytest.fixture(scope="session")
def conformance_settings(pytestconfig: pytest.Config) -> Settings:
    """The resolved settings of this run (command line → environment → ini → default)."""
    return _settings(pytestconfig)


@pytest.fixture(scope="session")
def conformance_run(pytestconfig: pytest.Config, conformance_settings: Settings) -> Iterator[ServerRun]:
    """The server under test, reached and its models discovered; the reference server if none was given."""
    try:
        run = start(conformance_settings)
    except TargetUnreachable as exc:
        pytest.exit(f"models-conformance: cannot reach the target: {exc}", returncode=EXIT_UNREACHABLE)
    except KeyRejected as exc:
        pytest.exit(f"models-conformance: usage error: {exc}", returncode=EXIT_USAGE)
    except ValueError as exc:
        pytest.exit(f"models-conformance: usage error: {exc}", returncode=EXIT_USAGE)
    pytestconfig.stash[RUN] = run
    try:
        yield run
    finally:
        run.close()


@pytest.fixture(scope="session")
def conformance_reference_server() -> Iterator[str]:
    """The reference server, in this process on a free loopback port; yields its base URL."""
    from .reference.server import ReferenceServer

    with ReferenceServer() as server:
        yield server.url


@pytest.fixture(scope="session")
def conformance_target(conformance_run: ServerRun) -> Target:
    """An HTTP client for the server under test that records and judges every exchange."""
    return conformance_run.target


def _requirement_id(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("requirement")
    if marker is None:
        return None
    requirement_id = str(marker.args[0])
    registry.get(requirement_id)  # an unknown ID is a bug in the check: fail loudly
    return requirement_id


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report: pytest.TestReport = yield
    requirement_id = _requirement_id(item)
    if requirement_id is None:
        return report
    excinfo = call.excinfo
    if excinfo is not None and isinstance(excinfo.value, ConformanceFailure) and report.failed:
        # The failure explains itself (requirement, path, values, reproduction); the source does not.
        report.longrepr = str(excinfo.value)
    if excinfo is not None and isinstance(excinfo.value, Blocked):
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: {excinfo.value}")
    results = item.config.stash[RESULTS]
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        if report.outcome == "failed" and excinfo is not None:
            results.add(item_from_exception(item.nodeid, requirement_id, excinfo.value))
        elif report.outcome == "skipped":
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            results.add(ItemResult(item.nodeid, requirement_id, "skipped", reason.removeprefix("Skipped: ")))
        else:
            results.add(ItemResult(item.nodeid, requirement_id, "passed"))
    return report


def pytest_report_header(config: pytest.Config) -> list[str]:
    if not _suite_selected(config):
        return []
    settings = _settings(config)
    target = settings.base_url or "the embedded reference server"
    return [
        f"conformance: target {target}, contract {settings.contract}, seed {settings.seed} "
        f"(reproduce with --conformance-seed {settings.seed})"
    ]


def _suite_selected(config: pytest.Config) -> bool:
    args = [str(arg) for arg in config.args]
    return any("conformance.suite" in arg or "conformance/suite" in arg for arg in args)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    results = config.stash[RESULTS]
    if not results.items:
        return
    terminalreporter.section("conformance: requirements")
    for line in results.table():
        terminalreporter.write_line(line)
    run = config.stash.get(RUN, None)
    if run is not None:
        terminalreporter.write_line(f"tested {run.describe()}")
        terminalreporter.write_line(
            f"requests sent: {run.target.requests_sent}; seed {run.settings.seed} "
            f"(reproduce with --conformance-seed {run.settings.seed})"
        )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    results = config.stash[RESULTS]
    if not results.items:
        return
    run = config.stash.get(RUN, None)
    settings = config.stash.get(SETTINGS, None)
    if settings is not None and settings.report_json:
        results.write_json(settings.report_json, **_context(run, settings))
    suite_only = all(_requirement_id(item) is not None for item in session.items)
    if suite_only and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        # MUST failures fail the run; SHOULD and MAY failures are reported only.
        session.exitstatus = 1 if results.summary()["must_failed"] else 0


def _context(run: ServerRun | None, settings: Settings) -> dict[str, Any]:
    target: dict[str, Any] = {"base_url": settings.base_url, "reference_server": settings.base_url is None}
    context: dict[str, Any] = {"target": target, "contract": settings.contract, "seed": settings.seed}
    if run is not None:
        target.update(base_url=run.target.base_url, models=list(run.models), aliases=list(run.aliases))
        context["requests_sent"] = run.target.requests_sent
    return context
