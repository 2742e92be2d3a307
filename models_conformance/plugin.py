"""The pytest plugin: options, fixtures, per-requirement verdicts, reports and exit status.

It only wires pytest to the modules that do the work (settings, run, checks, results, baseline).
Loaded through the ``pytest11`` entry point, it stays inert in a user's own test session except for
the fixtures and helpers it offers, until a test that names a requirement runs.

Verdicts travel with pytest's own reports (the ``conformance_payload`` attribute), so that a run
split over pytest-xdist workers is judged exactly like a run in one process.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Generator, Iterator
from typing import Any

import pytest

from . import outputs, registry
from .baseline import BaselineError, load_baseline
from .drift.collect import Drift, DriftObserver
from .failures import Blocked, ConformanceFailure
from .launch import EXIT_UNREACHABLE, EXIT_USAGE
from .results import ItemResult, Results, item_from_exception
from .run import KeyRejected, ServerRun, TargetUnreachable, start
from .settings import Settings, SettingsError, add_options, resolve
from .target import BudgetExhausted, Target, Throttled

__all__ = ["conformance_reference_server", "conformance_run", "conformance_settings", "conformance_target"]

# Record and replay of the suite (--conformance-cassettes); inert without that option. The client
# suite's wiring (models_conformance.client.plugin) is inert unless its suite is named on the command line.
pytest_plugins = ("models_conformance.cassettes.suite", "models_conformance.client.plugin")

RESULTS = pytest.StashKey[Results]()
RUN = pytest.StashKey[ServerRun]()
SETTINGS = pytest.StashKey[Settings]()
CONTEXT = pytest.StashKey[dict[str, Any]]()
SENT = pytest.StashKey[int]()
SERVER_REQUESTS = pytest.StashKey[list[int]]()  # requests the server suite sent, counted from the reports
DRIFT = pytest.StashKey[Drift]()  # what the run's traffic showed beyond the contract, from the reports
DRIFT_OBSERVER = pytest.StashKey[DriftObserver]()


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "requirement(id): the registry requirement (e.g. SRV-404) that this check judges"
    )
    config.addinivalue_line(
        "markers", "every_response: judges all the traffic of the run, so it runs after every other check"
    )
    config.addinivalue_line(
        "markers", "fills_budget: generates its requests, so it runs after the fixed checks, on what is left"
    )
    config.stash[RESULTS] = Results("server")
    config.stash[CONTEXT] = {}
    config.stash[SERVER_REQUESTS] = [0]
    config.stash[DRIFT] = Drift()
    config.pluginmanager.register(_Collector(config), "conformance-collector")
    if config.pluginmanager.hasplugin("xdist") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_ShareSeedWithWorkers(config), "conformance-xdist-seed")


class _ShareSeedWithWorkers:
    """Every pytest-xdist worker uses the controller's seed: one run, one seed.

    What a worker's suite left in its run context (e.g. the client and its request count) comes
    back when the worker ends; counts add up, descriptions are the same on every worker.
    """

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_configure_node(self, node: Any) -> None:
        if _suite_selected(self.config):
            node.workerinput["conformance_seed"] = _settings(self.config).seed

    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        worker_context = getattr(node, "workeroutput", {}).get("conformance_context", {})
        context = self.config.stash[CONTEXT]
        for key, value in worker_context.items():
            if key == "requests_sent":
                context[key] = context.get(key, 0) + value
            else:
                context.setdefault(key, value)


def _run_order(item: pytest.Item) -> int:
    if item.get_closest_marker("every_response") is not None:
        return 2  # judges the whole run's traffic
    if item.get_closest_marker("fills_budget") is not None:
        return 1  # gets what a request budget has left after the fixed checks
    return 0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_run_order)  # stable: the order within each group stays the collection order


def _usage_error(message: str) -> None:
    pytest.exit(f"models-conformance: usage error: {message}", returncode=EXIT_USAGE)


def _settings(config: pytest.Config) -> Settings:
    if SETTINGS not in config.stash:
        try:
            settings = resolve(config)
        except SettingsError as exc:
            _usage_error(str(exc))
        worker_seed = getattr(config, "workerinput", {}).get("conformance_seed")
        if worker_seed is not None:
            settings = dataclasses.replace(settings, seed=int(worker_seed))
        if settings.baseline:
            try:
                config.stash[RESULTS].baseline = load_baseline(settings.baseline)
            except BaselineError as exc:
                _usage_error(str(exc))
        config.stash[SETTINGS] = settings
    return config.stash[SETTINGS]


@pytest.fixture(scope="session")
def conformance_settings(pytestconfig: pytest.Config) -> Settings:
    """The resolved settings of this run (command line → environment → ini → default)."""
    return _settings(pytestconfig)


@pytest.fixture(scope="session")
def conformance_run(pytestconfig: pytest.Config, conformance_settings: Settings) -> Iterator[ServerRun]:
    """The server under test, reached and its models discovered; the reference server if none was given."""
    drift = pytestconfig.stash[DRIFT_OBSERVER] = DriftObserver(conformance_settings.contract)
    try:
        run = start(conformance_settings, observers=[drift])
    except TargetUnreachable as exc:
        pytest.exit(f"models-conformance: cannot reach the target: {exc}", returncode=EXIT_UNREACHABLE)
    except (KeyRejected, ValueError) as exc:
        _usage_error(str(exc))
    except (Throttled, BudgetExhausted) as exc:
        # No verdict is possible: like an unreachable target, and never a green run.
        pytest.exit(
            f"models-conformance: the target cannot be tested now: {exc}", returncode=EXIT_UNREACHABLE
        )
    pytestconfig.stash[RUN] = run
    pytestconfig.stash[SENT] = 0
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


def _item_result(
    item: pytest.Item, report: pytest.TestReport, exc: BaseException | None
) -> ItemResult | None:
    requirement_id = _requirement_id(item)
    if requirement_id is None or not (report.when == "call" or report.outcome != "passed"):
        return None
    if isinstance(exc, (Throttled, BudgetExhausted)):
        # Not a verdict on the requirement: the target asked us to slow down, or the budget is spent.
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: {exc}")
        return ItemResult(
            item.nodeid, requirement_id, "skipped", str(exc), throttled=isinstance(exc, Throttled)
        )
    if isinstance(exc, Blocked):
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: {exc}")
    if isinstance(exc, ConformanceFailure) and report.failed:
        # The failure explains itself (requirement, path, values, reproduction); the source does not.
        report.longrepr = str(exc)
    if report.outcome == "failed" and exc is not None:
        return item_from_exception(item.nodeid, requirement_id, exc)
    if report.outcome == "skipped":
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        return ItemResult(item.nodeid, requirement_id, "skipped", reason.removeprefix("Skipped: "))
    if report.when != "call":
        return None
    return ItemResult(item.nodeid, requirement_id, "passed")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report: pytest.TestReport = yield
    config = item.config
    payload: dict[str, Any] = {}
    result = _item_result(item, report, call.excinfo.value if call.excinfo is not None else None)
    if result is not None:
        payload["item"] = result.as_dict()
    run = config.stash.get(RUN, None)
    if run is not None:
        findings, judged, notes = run.observations.drain()
        sent = run.target.requests_sent - config.stash[SENT]
        config.stash[SENT] = run.target.requests_sent
        if findings or judged or sent or notes:
            # Requests a check sends while it runs are its own; set-up and tear-down traffic is shared.
            sender = _requirement_id(item) if report.when == "call" else None
            payload["observed"] = {
                "findings": findings,
                "judged": judged,
                "notes": notes,
                "requests": sent,
                "sender": sender,
            }
            payload["context"] = _run_context(run)
        drift = config.stash[DRIFT_OBSERVER].drain() if DRIFT_OBSERVER in config.stash else None
        if drift is not None:
            payload["drift"] = drift
    if payload:
        report.conformance_payload = payload  # type: ignore[attr-defined]
    return report


class _Collector:
    """Collects verdicts where pytest collects reports: in this process, or on the xdist controller."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        payload = getattr(report, "conformance_payload", None)
        if not payload:
            return
        results = self.config.stash[RESULTS]
        if "item" in payload:
            results.add(ItemResult.from_dict(payload["item"]))
        if "observed" in payload:
            observed = payload["observed"]
            results.add_observed(observed["findings"], observed["judged"], observed["notes"])
            results.count_requests(observed["sender"], observed["requests"])
            self.config.stash[SERVER_REQUESTS][0] += observed["requests"]
            self.config.stash[CONTEXT].update(payload["context"])
        if "drift" in payload:
            self.config.stash[DRIFT].merge(payload["drift"])


def _run_context(run: ServerRun) -> dict[str, Any]:
    target = run.target
    return {
        "target": {
            "base_url": target.base_url,
            "reference_server": run.reference,
            "models": list(run.models),
            "aliases": list(run.aliases),
            "discovered_from": run.discovered_from,
        },
        "description": run.describe(),
        "throttling": {"answers": target.throttled, "waited_s": round(target.throttle_waited, 3)},
    }


def pytest_report_header(config: pytest.Config) -> list[str]:
    if not _suite_selected(config):
        return []
    settings = _settings(config)
    target = settings.base_url or "the embedded reference server"
    lines = [
        f"conformance: target {target}, contract {settings.contract}, seed {settings.seed} "
        f"(reproduce with --conformance-seed {settings.seed})"
    ]
    if settings.profile != "default" or settings.max_requests or settings.rate:
        lines.append(
            f"conformance: profile {settings.profile}, request budget {settings.max_requests or 'none'}, "
            f"rate limit {f'{settings.rate}/s' if settings.rate else 'none'}"
        )
    return lines


def _suite_selected(config: pytest.Config) -> bool:
    args = [str(arg) for arg in config.args]
    return any("models_conformance.suite" in arg or "models_conformance/suite" in arg for arg in args)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    results = config.stash[RESULTS]
    if results.empty:
        return
    settings = config.stash.get(SETTINGS, None)
    sections = outputs.terminal_sections(
        results, config.stash[CONTEXT], settings, _requests_sent(config), config.stash[DRIFT]
    )
    for title, lines in sections:
        if title:
            terminalreporter.section(title)
        for line in lines:
            terminalreporter.write_line(line)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    results = config.stash[RESULTS]
    if results.empty:
        return
    if hasattr(config, "workeroutput"):
        # A pytest-xdist worker: the controller reports; it gets this worker's run context.
        config.workeroutput["conformance_context"] = {
            k: v for k, v in config.stash[CONTEXT].items() if k not in ("observed",)
        }
        return
    settings = _settings(config)
    outputs.write(results, settings, config.stash[CONTEXT], _requests_sent(config), config.stash[DRIFT])
    suite_only = all(_requirement_id(item) is not None for item in session.items)
    if suite_only and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        # MUST failures and stale baseline entries fail the run; SHOULD and MAY failures are reported only.
        session.exitstatus = 1 if results.fails_run() else 0


def _requests_sent(config: pytest.Config) -> int:
    # Server checks' requests travel with the reports; a client run's scenario server counts its own.
    return config.stash[SERVER_REQUESTS][0] + int(config.stash[CONTEXT].get("requests_sent", 0))
