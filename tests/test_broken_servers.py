"""Proof that the server suite can fail: each broken server is caught, through the command line,
under the requirement it breaks and no other; each conformant variant passes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from models_conformance import registry
from models_conformance.reference.app import MOCK_KEY, create_app
from models_conformance.reference.server import ReferenceServer

from ._cli import run_command
from .broken_servers import CONFORMANT, FAULTS, MISSED_BEFORE, Fault

SUITE_ARGS = ["--examples", "40", "--seed", "20261125", "--timeout", "5"]
# The live profile as a user runs it, minus its 1 request/s pacing (the reference server is on loopback).
PROFILE_ARGS = {"default": [], "live": ["--profile", "live", "--rate", "100000"]}


def run_cli(*args: str, tmp_path: Path) -> tuple[int, dict[str, Any], str]:
    return run_command("server", *args, tmp_path=tmp_path, env={"ANTHROPIC_API_KEY": MOCK_KEY})


def failed_ids(report: dict[str, Any]) -> set[str]:
    return {r["id"] for r in report["results"] if r["outcome"] == "failed"}


@pytest.fixture
def served(request: pytest.FixtureRequest) -> Iterator[str]:
    fault: Fault = request.param
    options: dict[str, Any] = {"api_keys": [MOCK_KEY], **fault.app_options}
    with ReferenceServer(app=fault.wrap(create_app(**options))) as server:
        yield server.url


def _args(fault: Fault, url: str, profile: str) -> list[str]:
    args = ["--base-url", url, "--contract", fault.contract, *SUITE_ARGS, *PROFILE_ARGS[profile]]
    return args + (["--alias", "claude-opus-4-5"] if fault.with_aliases else [])


BROKEN = [
    pytest.param(fault, profile, id=f"{fault.id}-{profile}")
    for fault in (*FAULTS, *MISSED_BEFORE)
    for profile in PROFILE_ARGS
    if profile == "default" or fault.lean
]


@pytest.mark.parametrize(("served", "profile"), BROKEN, indirect=["served"])
def test_a_broken_server_is_caught_under_the_requirement_it_breaks(
    served: str, profile: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    fault: Fault = request.node.callspec.params["served"]
    code, report, output = run_cli(*_args(fault, served, profile), tmp_path=tmp_path)
    assert report, output
    assert failed_ids(report) == {fault.breaks, *fault.also}, output
    result = next(r for r in report["results"] if r["id"] == fault.breaks)
    assert result["message"] and result["findings"], result
    assert all(f.get("reproduction", "").startswith("curl ") for f in result["findings"]), result
    must_broken = any(registry.get(i).fails_run for i in failed_ids(report))
    assert code == (1 if must_broken else 0), output
    assert f"{fault.breaks} ({registry.get(fault.breaks).level}) violated" in output
    assert "Traceback" not in output


@pytest.mark.parametrize("served", CONFORMANT, ids=[v.id for v in CONFORMANT], indirect=True)
def test_an_unusual_but_valid_server_passes(
    served: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    variant: Fault = request.node.callspec.params["served"]
    code, report, output = run_cli(*_args(variant, served, "default"), tmp_path=tmp_path)
    assert code == 0 and not failed_ids(report), output


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


def test_one_fault_is_one_finding_per_shape_with_its_count(tmp_path: Path) -> None:
    # A wrong `type` shows in every model of every answer: one finding for the retrievals, one for the
    # list pages, each with how often it was seen and in which probes.
    fault = next(f for f in FAULTS if f.breaks == "SRV-200-TYPE")
    with ReferenceServer(app=fault.wrap(create_app(api_keys=[MOCK_KEY]))) as server:
        _code, report, output = run_cli(*_args(fault, server.url, "default"), tmp_path=tmp_path)
    findings = next(r for r in report["results"] if r["id"] == "SRV-200-TYPE")["findings"]
    assert sorted(f["shape"] for f in findings) == [
        "a model, answered 200",
        "the list, answered 200",
    ]
    assert all(f["count"] > 1 and f["seen_in"] for f in findings), json.dumps(findings, indent=1)
    assert output.count("SRV-200-TYPE (MUST) violated") == 2, output  # one per shape


def test_an_intermittent_5xx_is_headlined_as_the_fault(tmp_path: Path) -> None:
    fault = next(f for f in MISSED_BEFORE if f.id == "SRV-NO-5XX-intermittent")
    with ReferenceServer(app=fault.wrap(create_app(api_keys=[MOCK_KEY]))) as server:
        _code, report, output = run_cli(*_args(fault, server.url, "default"), tmp_path=tmp_path)
    result = next(r for r in report["results"] if r["id"] == "SRV-NO-5XX")
    assert result["message"].startswith("the request got HTTP 500"), result
    assert "unreliable" not in output.lower() and "flaky" not in output.lower(), output
