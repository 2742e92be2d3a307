"""The pytest plugin: options, fixtures, and the shipped suites as one test per requirement.

It only wires pytest to the modules that do the work. Loaded in every pytest run of an environment
where the package is installed (entry point ``pytest11``), it imports nothing heavy until a fixture
or a suite item is used, and prints nothing unless a shipped suite ran:

- ``pytest --pyargs models_conformance.suite``: the server suite, one test per SRV-* requirement;
- ``pytest --pyargs models_conformance.suite.client``: the client suite, one test per CLI-* requirement,
  judging ``--conformance-client-python``/``--conformance-client-connector`` or your own
  ``conformance_client`` fixture.

Settings are resolved command line → environment → ini → default (:func:`.settings.resolve`).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from .options import OPTIONS

if TYPE_CHECKING:
    from .server.target import Target
    from .settings import Settings
    from .verdicts import Verdicts

__all__ = [
    "conformance_client",
    "conformance_client_verdicts",
    "conformance_reference_server",
    "conformance_settings",
    "conformance_target",
    "conformance_verdicts",
]

VERDICTS = pytest.StashKey["tuple[Verdicts, dict[str, Any]]"]()
_CLIENT_OPTIONS = {
    "client-python": (
        "CONFORMANCE_CLIENT_PYTHON",
        "Python client to judge in-process: anthropic or module:factory",
    ),
    "client-connector": ("CONFORMANCE_CLIENT_CONNECTOR", "connector command of the client to judge"),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "models-api-conformance (GET /v1/models/{model_id})")
    for option in OPTIONS.values():
        env = f" [env {option.env}]" if option.env else ""
        action = "append" if option.kind == "multiple" else "store"
        group.addoption(
            option.pytest_flag,
            action=action,
            dest=f"conformance_{option.dest}",
            default=None,
            metavar=option.metavar,
            help=option.help + env,
        )
        if option.kind != "secret":  # keys do not belong in config files
            ini = f"conformance_{option.name.replace('-', '_')}"
            if option.kind == "multiple":
                parser.addini(ini, option.help, type="linelist", default=None)
            else:
                parser.addini(ini, option.help, type="string", default=None)
    for name, (env, text) in _CLIENT_OPTIONS.items():
        group.addoption(
            f"--conformance-{name}",
            dest=f"conformance_{name.replace('-', '_')}",
            default=None,
            help=f"{text} [env {env}]",
        )


_CLIENT_SUITE = Path(__file__).resolve().parent / "suite" / "client"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    # `--pyargs models_conformance.suite` is the server suite: the client suite runs when named itself.
    if collection_path.resolve() != _CLIENT_SUITE:
        return None
    named = any("suite.client" in str(arg) or "suite/client" in str(arg) for arg in config.args)
    return None if named else True


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "requirement(id): the registry requirement (e.g. SRV-404) a test judges"
    )


@pytest.fixture(scope="session")
def conformance_settings(pytestconfig: pytest.Config) -> Settings:
    """The resolved settings of this session (command line → environment → ini → default)."""
    from .suite.runs import settings_of

    return settings_of(pytestconfig)


@pytest.fixture(scope="session")
def conformance_reference_server() -> Iterator[str]:
    """The reference server, in this process on a free loopback port; yields its base URL. It accepts
    the mock's key (``conformance-mock-key``) and ``$ANTHROPIC_API_KEY``."""
    from .reference.app import accepted_keys, create_app
    from .reference.server import ReferenceServer

    with ReferenceServer(app=create_app(api_keys=accepted_keys(None))) as server:
        yield server.url


@pytest.fixture(scope="session")
def conformance_target(conformance_settings: Settings, conformance_reference_server: str) -> Iterator[Target]:
    """An HTTP client for the server under test (``--conformance-base-url``, else the reference server)
    that keeps every exchange in ``.exchanges``; judge them with
    :func:`models_conformance.assert_conformant`."""
    from .reference.app import MOCK_KEY
    from .secret import Secret
    from .server.target import Target

    settings = conformance_settings
    target = Target(
        settings.base_url or conformance_reference_server,
        settings.api_key or Secret(MOCK_KEY),
        settings.contract,
        limits=settings.limits,
    )
    try:
        yield target
    finally:
        target.close()


@pytest.fixture(scope="session")
def conformance_client(pytestconfig: pytest.Config) -> Iterator[object]:
    """The client the client suite judges: ``--conformance-client-python`` or ``-connector``. Override it
    to judge your own Python client: return any object with a ``retrieve(...)`` method (docs: clients)."""
    from .client.connector import Connector, ConnectorMissing, ConnectorUnavailable
    from .client.inprocess import ClientSpecError, load

    python = pytestconfig.getoption("conformance_client_python")
    connector = pytestconfig.getoption("conformance_client_connector")
    if not python and not connector:
        pytest.exit(
            "models-conformance: usage error: the client suite needs a client: --conformance-client-python "
            "SPEC, --conformance-client-connector CMD, or a conformance_client fixture of your own",
            returncode=EXIT_USAGE,
        )
    try:
        driver: Any = Connector(connector) if connector else load(python)
        if connector:
            driver.start()
    except (ConnectorMissing, ClientSpecError, ConnectorUnavailable) as exc:
        pytest.exit(f"models-conformance: usage error: {exc}", returncode=EXIT_USAGE)
    try:
        yield driver
    finally:
        driver.close()


@pytest.fixture(scope="session")
def conformance_verdicts(pytestconfig: pytest.Config) -> Verdicts:
    """The verdicts of the server suite: the run against the target, judged."""
    from .suite.runs import server_verdicts

    pytestconfig.stash[VERDICTS] = server_verdicts(pytestconfig)
    return pytestconfig.stash[VERDICTS][0]


@pytest.fixture(scope="session")
def conformance_client_verdicts(request: pytest.FixtureRequest) -> Verdicts:
    """The verdicts of the client suite: the scenario played with ``conformance_client``, judged."""
    from .suite.runs import client_verdicts

    request.config.stash[VERDICTS] = client_verdicts(request)
    return request.config.stash[VERDICTS][0]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report: pytest.TestReport = yield
    if VERDICTS not in item.config.stash or call.excinfo is None or not report.failed:
        return report  # not a suite item: pytest reports it as it does
    from .findings import ConformanceFailure

    if isinstance(call.excinfo.value, ConformanceFailure):
        # The failure explains itself (requirement, path, values, reproduction); pytest's frames do not.
        report.longrepr = str(call.excinfo.value)
    return report


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    found = config.stash.get(VERDICTS, None)
    if found is None:
        return  # no shipped suite ran: a user's own tests print what they print
    from .outputs import summary_lines

    verdicts, context = found
    seed = context.get("seed")
    terminalreporter.section("conformance")
    for line in summary_lines(verdicts, context, f"pytest ... --conformance-seed {seed}"):
        terminalreporter.write_line(line)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    found = session.config.stash.get(VERDICTS, None)
    if found is None:
        return
    from .outputs import write
    from .suite.runs import settings_of

    verdicts, context = found
    write(verdicts, settings_of(session.config), context)
    suite_only = all(item.get_closest_marker("requirement") is not None for item in session.items)
    if suite_only and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        # MUST failures and stale baseline entries fail the run; SHOULD and MAY failures are reported only.
        session.exitstatus = EXIT_FAILED if verdicts.fails_run() else EXIT_OK
