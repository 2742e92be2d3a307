"""Proof that the server suite can fail: each broken server is caught, through the command line,
under the requirement it breaks and no other; the reference server passes everything."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from models_conformance import registry
from models_conformance.reference.app import create_app
from models_conformance.reference.server import ReferenceServer
from models_conformance.run import REFERENCE_KEY

from ._cli import run_command
from .broken_servers import FAULTS, Fault

SUITE_ARGS = ["--examples", "40", "--seed", "20261125", "--timeout", "5"]
# The live profile as a user runs it, minus its 1 request/s pacing (the reference server is on loopback).
PROFILE_ARGS = {"default": [], "live": ["--profile", "live", "--rate", "100000"]}


def run_cli(*args: str, tmp_path: Path) -> tuple[int, dict[str, Any], str]:
    return run_command("server", *args, tmp_path=tmp_path, env={"ANTHROPIC_API_KEY": REFERENCE_KEY})


def failed_ids(report: dict[str, Any]) -> set[str]:
    return {r["id"] for r in report["results"] if r["outcome"] == "failed"}


@pytest.fixture
def served(request: pytest.FixtureRequest) -> Iterator[str]:
    fault: Fault = request.param
    options: dict[str, Any] = {"api_keys": [REFERENCE_KEY], **fault.app_options}
    with ReferenceServer(app=fault.wrap(create_app(**options))) as server:
        yield server.url


@pytest.mark.parametrize("profile", list(PROFILE_ARGS))
@pytest.mark.parametrize("served", FAULTS, ids=[f.id for f in FAULTS], indirect=True)
def test_a_broken_server_is_caught_under_the_requirement_it_breaks(
    served: str, profile: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    fault: Fault = request.node.callspec.params["served"]
    args = ["--base-url", served, "--contract", fault.contract, *SUITE_ARGS, *PROFILE_ARGS[profile]]
    if fault.with_aliases:
        args += ["--alias", "claude-opus-4-5"]
    code, report, output = run_cli(*args, tmp_path=tmp_path)
    assert report, output
    assert failed_ids(report) == {fault.breaks, *fault.also}, output
    result = next(r for r in report["results"] if r["id"] == fault.breaks)
    assert result["message"], result
    assert "did not finish" not in json.dumps(report)
    must_broken = any(registry.get(i).fails_run for i in failed_ids(report))
    assert code == (1 if must_broken else 0), output
    assert fault.breaks in output


def test_every_server_requirement_has_a_broken_server() -> None:
    assert {f.breaks for f in FAULTS} == {r.id for r in registry.requirements("server")}


@pytest.mark.parametrize("contract", ["2023-06-01", "2026-10-21"])
def test_the_reference_server_passes_every_requirement(contract: str, tmp_path: Path) -> None:
    code, report, output = run_cli("--contract", contract, *SUITE_ARGS, tmp_path=tmp_path)
    assert code == 0, output
    outcomes = {r["id"]: r["outcome"] for r in report["results"]}
    skipped = {rid for rid, outcome in outcomes.items() if outcome == "skipped"}
    assert skipped == (set() if contract == "2026-10-21" else {"SRV-LIFECYCLE"}), outcomes
    assert set(outcomes.values()) <= {"passed", "skipped"}
    assert report["summary"]["must_failed"] == 0
    assert report["contract"] == contract
    assert report["requests_sent"] > 40
