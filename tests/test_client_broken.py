"""Proof that the client suite can fail: each broken client is caught, through the command line, under
the requirement it breaks and no other; the conformant client passes everything; a broken connector
is a harness error of one check, and the run goes on."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from models_conformance import registry

from ._cli import run_command
from .broken_clients import BROKEN, Broken

SUITE_ARGS = ["--seed", "20261125", "--examples", "15", "--timeout", "2"]


def run_client_cli(
    *args: str, tmp_path: Path, env: dict[str, str] | None = None
) -> tuple[int, dict[str, Any], str]:
    return run_command("client", *args, tmp_path=tmp_path, env=env)


def outcomes(report: dict[str, Any]) -> dict[str, str]:
    return {result["id"]: result["outcome"] for result in report["results"]}


def failed_ids(report: dict[str, Any]) -> set[str]:
    return {rid for rid, outcome in outcomes(report).items() if outcome == "failed"}


@pytest.mark.parametrize("broken", BROKEN, ids=[f"{b.breaks}-{b.client.__name__}" for b in BROKEN])
def test_a_broken_client_is_caught_under_the_requirement_it_breaks(broken: Broken, tmp_path: Path) -> None:
    code, report, output = run_client_cli("--python", broken.spec, *SUITE_ARGS, tmp_path=tmp_path)
    assert report, output
    assert failed_ids(report) == {broken.breaks}, output
    assert "did not finish" not in json.dumps(report)
    result = next(r for r in report["results"] if r["id"] == broken.breaks)
    assert result["message"] and result["findings"], result
    assert code == (1 if registry.get(broken.breaks).fails_run else 0), output
    assert broken.breaks in output


def test_every_client_requirement_has_a_broken_client() -> None:
    # In registry order; a requirement checked in several forms may have a broken client per form.
    assert list(dict.fromkeys(b.breaks for b in BROKEN)) == [r.id for r in registry.requirements("client")]


def test_the_conformant_client_passes_every_requirement(tmp_path: Path) -> None:
    code, report, output = run_client_cli(
        "--python", "tests.broken_clients:ConformantClient", *SUITE_ARGS, tmp_path=tmp_path
    )
    assert code == 0, output
    assert set(outcomes(report).values()) == {"passed"}, output
    assert report["role"] == "client"
    assert report["target"]["name"] == "conformant reference client (tests)"
    assert report["target"]["version"] == "1.0"
    assert report["requests_sent"] >= report["calls"] > 50
    assert 0 < report["wall_time_s"] < 60


@pytest.mark.parametrize("mode", ["crash", "hang", "garbage"])
def test_a_misbehaving_connector_is_a_harness_error_of_one_check_and_is_restarted(
    mode: str, tmp_path: Path
) -> None:
    connector = f"{sys.executable} -m tests.broken_clients {mode}"
    code, report, output = run_client_cli(
        "--connector",
        connector,
        *SUITE_ARGS,
        tmp_path=tmp_path,
        env={"BROKEN_CONNECTOR_STATE": str(tmp_path / "misbehaved")},
    )
    checks = [check for result in report["results"] for check in result["checks"]]
    harness = [check for check in checks if check["harness_error"]]
    assert len(harness) == 1, output
    failed = [check for check in checks if check["outcome"] == "failed"]
    assert failed == harness, output
    message = next(r["message"] for r in report["results"] if r["outcome"] == "failed")
    assert "harness error" in message and "restarted for the next check" in message, message
    assert report["target"]["name"] == f"broken connector ({mode})"
    assert code == 1, output  # a MUST check could not be judged: not a pass


def test_a_connector_command_that_does_not_exist_exits_2_with_one_line(tmp_path: Path) -> None:
    code, report, output = run_client_cli(
        "--connector", "no-such-connector-command --flag", tmp_path=tmp_path
    )
    assert code == 2
    assert output.strip().count("\n") == 0, output
    assert "connector command not found: 'no-such-connector-command'" in output
    assert not report


@pytest.mark.parametrize(
    "command", ["false", f"{sys.executable} -c print('hello?')"], ids=["exits", "not-json"]
)
def test_a_connector_that_exits_at_once_exits_3_with_one_line(command: str, tmp_path: Path) -> None:
    code, _, output = run_client_cli("--connector", command, tmp_path=tmp_path)
    assert code == 3
    assert output.strip().count("\n") == 0, output
    assert "cannot start the connector" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("no_such_module:make", "cannot import 'no_such_module'"),
        ("tests.broken_clients:NoSuchFactory", "has no attribute 'NoSuchFactory'"),
        ("just-a-name", "expected 'anthropic' or 'module:factory'"),
    ],
)
def test_a_python_client_that_cannot_be_loaded_is_a_usage_error(spec: str, says: str, tmp_path: Path) -> None:
    code, _, output = run_client_cli("--python", spec, tmp_path=tmp_path)
    assert code == 2
    assert says in output
    assert output.strip().count("\n") == 0, output
