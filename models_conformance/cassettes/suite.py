"""Cassette mode of the server suite: one cassette per check, recorded or replayed with pytest-recording.

``--conformance-cassettes DIR`` turns it on (command line, then the environment variable
``CONFORMANCE_CASSETTES``); pytest-recording's ``--record-mode`` then says what happens: ``none`` (its
default) replays DIR with no server at all, any other mode records into DIR. Without the option this
module does nothing.

- Each check that names a requirement gets ``pytest.mark.vcr`` and its own cassette ``DIR/<test>.yaml``;
  checks that generate their requests (:data:`NOT_REPLAYABLE`) are skipped in both modes, so that a
  replay gives the verdicts the recording run gave.
- Traffic outside any one check (reaching the target, discovering its models, module fixtures) goes
  to ``DIR/conformance_session.yaml``, held open around the whole run.
- Recording writes ``DIR/conformance-run.json`` (target, contract, aliases, models given); replaying
  runs with those settings. After recording, every cassette is scanned: one that still holds a
  secret is deleted, listed under ``rejected`` in that file, and the run exits 1 (CAS-NO-SECRETS).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .. import registry
from ..launch import EXIT_USAGE
from ..results import tool_version
from .formats import CassetteError, load
from .record import raw_targets, vcr_config
from .scan import scan_cassette

__all__ = ["ENV", "NOT_REPLAYABLE", "RUN_FILE", "SESSION_CASSETTE", "CassetteMode"]

ENV = "CONFORMANCE_CASSETTES"
RUN_FILE = "conformance-run.json"
SESSION_CASSETTE = "conformance_session"
REPLAY_RATE = 100_000  # requests per second: as fast as the recording plays back
NOT_REPLAYABLE = {
    "SRV-NO-5XX": "not replayable: hypothesis makes new model ids on every run; they never match a recording",
}


@dataclass(frozen=True)
class CassetteMode:
    directory: Path
    record_mode: str

    @property
    def recording(self) -> bool:
        return self.record_mode != "none"


MODE = pytest.StashKey[CassetteMode]()
REJECTED = pytest.StashKey[list[str]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("conformance").addoption(
        "--conformance-cassettes",
        dest="conformance_cassettes",
        metavar="DIR",
        default=None,
        help="record the suite into DIR (with pytest-recording's --record-mode) or replay DIR (the default, "
        f"no server needed), one cassette per check [env {ENV}]",
    )


def _mode(config: pytest.Config) -> CassetteMode | None:
    # Command line, then environment.
    value = config.getoption("conformance_cassettes") or os.environ.get(ENV)
    if not value:
        return None
    try:
        record_mode = config.getoption("--record-mode") or "none"
    except ValueError:
        pytest.exit(
            "models-conformance: usage error: --conformance-cassettes needs the pytest-recording plugin "
            "(pip install pytest-recording; do not disable it with -p no:recording)",
            returncode=EXIT_USAGE,
        )
    return CassetteMode(Path(value).resolve(), str(record_mode))


def pytest_configure(config: pytest.Config) -> None:
    mode = _mode(config)
    if mode is None:
        return
    config.stash[MODE] = mode
    if mode.recording and (getattr(config.option, "numprocesses", None) or hasattr(config, "workerinput")):
        # Workers would each write the session cassette; replaying in parallel is fine.
        pytest.exit("models-conformance: usage error: record in one process (drop -n)", returncode=EXIT_USAGE)
    if not mode.recording:
        _replay_settings(config, mode.directory)


def _replay_settings(config: pytest.Config, directory: Path) -> None:
    """Run with the settings the cassettes were recorded with, whatever else was given."""
    try:
        recorded = json.loads((directory / RUN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        pytest.exit(
            f"models-conformance: usage error: cannot replay {directory}: no readable {RUN_FILE} ({exc}); "
            "record first with --conformance-cassettes DIR --record-mode=rewrite",
            returncode=EXIT_USAGE,
        )
    config.option.conformance_base_url = recorded["base_url"]
    config.option.conformance_contract = recorded["contract"]
    config.option.conformance_alias = list(recorded.get("aliases", [])) or None
    config.option.conformance_model = list(recorded.get("models", [])) or None
    if recorded.get("profile"):
        # A lean (live-profile) recording shares answers and samples models by the seed: the replay
        # must ask the same questions in the same order, but need not wait between them.
        config.option.conformance_profile = recorded["profile"]
        config.option.conformance_seed = str(recorded["seed"])
        config.option.conformance_rate = str(REPLAY_RATE)


def pytest_report_header(config: pytest.Config) -> list[str]:
    mode = config.stash.get(MODE, None)
    if mode is None:
        return []
    what = (
        f"recording (--record-mode={mode.record_mode}) into"
        if mode.recording
        else "replaying, no network, from"
    )
    return [f"conformance: cassettes: {what} {mode.directory}"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    mode = config.stash.get(MODE, None)
    if mode is None:
        return
    from pytest_recording.plugin import get_default_cassette_name

    for item in items:
        marker = item.get_closest_marker("requirement")
        if marker is None:
            continue
        requirement_id = str(marker.args[0])
        if registry.get(requirement_id).role != "server":
            continue  # only the server suite's traffic is recorded
        if requirement_id in NOT_REPLAYABLE:
            item.add_marker(pytest.mark.skip(reason=NOT_REPLAYABLE[requirement_id]))
            continue
        name = get_default_cassette_name(getattr(item, "cls", None), item.name)
        item.add_marker(pytest.mark.vcr(**vcr_config()))
        # An absolute name: pytest-recording joins it onto its own folder, which it then leaves unused.
        item.add_marker(pytest.mark.default_cassette(str(mode.directory / name)))


@contextlib.contextmanager
def _session_cassette(mode: CassetteMode) -> Iterator[None]:
    import vcr  # type: ignore[import-untyped]

    path = mode.directory / f"{SESSION_CASSETTE}.yaml"
    record_mode = mode.record_mode
    if record_mode == "rewrite":  # pytest-recording's mode: vcrpy knows it as "start from nothing"
        path.unlink(missing_ok=True)
        record_mode = "new_episodes"
    with vcr.VCR().use_cassette(str(path), **vcr_config(record_mode=record_mode)):
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session: pytest.Session) -> Generator[None, object, object]:
    mode = session.config.stash.get(MODE, None)
    if mode is None:
        return (yield)
    if mode.recording:
        mode.directory.mkdir(parents=True, exist_ok=True)
    with raw_targets(), _session_cassette(mode):
        result = yield
    if mode.recording:
        rejected = session.config.stash[REJECTED] = reject_leaking(mode.directory)
        _write_run_file(session.config, mode.directory, rejected)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, object, object]:
    mode = item.config.stash.get(MODE, None)
    if mode is None or mode.recording:
        return (yield)
    from pytest_recording import network

    # The whole protocol, so that session and module fixtures set up inside it are offline too.
    with network.blocking_context(allowed_hosts=None):
        return (yield)


def _write_run_file(config: pytest.Config, directory: Path, rejected: list[str]) -> None:
    from ..plugin import RUN

    run = config.stash.get(RUN, None)
    if run is None:
        return
    recorded: dict[str, Any] = {
        "recorded_with": f"models-api-conformance {tool_version()}",
        "base_url": run.target.base_url,
        "contract": run.settings.contract,
        "aliases": list(run.aliases),
        "models": list(run.settings.models),
        "profile": run.settings.profile,
        "seed": run.settings.seed,
        "rejected": rejected,  # cassettes deleted because they held a secret
    }
    (directory / RUN_FILE).write_text(json.dumps(recorded, indent=2) + "\n", encoding="utf-8")


def reject_leaking(directory: Path) -> list[str]:
    """Delete every cassette in ``directory`` that holds a secret, or that cannot be read in full (and so
    cannot be scanned in full, e.g. a body in a coding this suite does not decode); one line per reason."""
    rejected: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            cassette = load(path)
        except CassetteError as exc:
            reasons = [f"unreadable after recording ({exc})"]
        else:
            reasons = [f"{leak.where} held {leak.what}" for leak in scan_cassette(cassette)]
            reasons += [f"unreadable after recording ({problem})" for problem in cassette.problems]
        if reasons:
            path.unlink()
            rejected.extend(f"{path.name}: {reason}" for reason in reasons)
    return rejected


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    rejected = config.stash.get(REJECTED, None)
    if not rejected:
        return
    terminalreporter.section("conformance: cassettes rejected (CAS-NO-SECRETS)", red=True)
    for line in rejected:
        terminalreporter.write_line(f"deleted {line}")


@pytest.hookimpl(wrapper=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> Generator[None, object, object]:
    result = yield
    if session.config.stash.get(REJECTED, None):
        session.exitstatus = 1  # a MUST (CAS-NO-SECRETS) failed, whatever the checks said
    return result
