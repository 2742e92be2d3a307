"""Proof that the client judge can fail and can pass: each broken client is caught under the requirement
it breaks and no other, in the judge's findings and through the command line (exit 1 for a MUST, 0
otherwise); each conformant variant passes everything; a broken connector is a harness error of the
calls it spoiled, and the run goes on."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from models_conformance import registry
from models_conformance.client.inprocess import InProcess
from models_conformance.client.run import run_client
from models_conformance.judge import Judgement, judge
from models_conformance.transcript import Transcript

from ._cli import run_command
from .broken_clients import BROKEN, Broken, ConformantClient
from .variant_clients import CONFORMANT, MISSED, SendsDotIdsEncoded

SEED = 20261125
SUITE_ARGS = ["--seed", str(SEED), "--examples", "5", "--timeout", "2"]
ALL_BROKEN = BROKEN + MISSED
REFUSABLE = (".", "..", ";x")


def run_client_cli(
    *args: str, tmp_path: Path, env: dict[str, str] | None = None
) -> tuple[int, dict[str, Any], str]:
    return run_command("client", *args, tmp_path=tmp_path, env=env)


def played(client: type[ConformantClient], contract: str = "2023-06-01") -> tuple[Transcript, Judgement]:
    driver = InProcess(client())
    try:
        transcript = run_client(driver, contract=contract, seed=SEED, examples=5, timeout_s=2.0)
    finally:
        driver.close()
    return transcript, judge(transcript)


def outcomes(report: dict[str, Any]) -> dict[str, str]:
    return {result["id"]: result["outcome"] for result in report["results"]}


def failed_ids(report: dict[str, Any]) -> set[str]:
    return {rid for rid, outcome in outcomes(report).items() if outcome == "failed"}


def _id(broken: Broken) -> str:
    return f"{broken.breaks}-{broken.client.__name__}"


@pytest.mark.parametrize("broken", ALL_BROKEN, ids=_id)
def test_a_broken_client_is_found_breaking_its_requirement_and_no_other(broken: Broken) -> None:
    _, judgement = played(broken.client)
    assert {f.requirement_id for f in judgement.findings} == {broken.breaks}
    assert not judgement.harness_errors
    for found in judgement.findings:
        assert found.message and found.where.startswith("call ")
        assert found.reproduction and found.reproduction.startswith("retrieve(model_id=")


@pytest.mark.parametrize("broken", ALL_BROKEN, ids=_id)
def test_a_broken_client_is_caught_through_the_command_line(broken: Broken, tmp_path: Path) -> None:
    code, report, output = run_client_cli("--python", broken.spec, *SUITE_ARGS, tmp_path=tmp_path)
    assert report, output
    assert failed_ids(report) == {broken.breaks}, output
    result = next(r for r in report["results"] if r["id"] == broken.breaks)
    assert result["message"] and result["findings"] and result["reproduction"], result
    assert code == (1 if registry.get(broken.breaks).fails_run else 0), output
    assert broken.breaks in output


def test_every_client_requirement_has_a_broken_client() -> None:
    # In registry order; a requirement checked in several forms may have a broken client per form.
    assert list(dict.fromkeys(b.breaks for b in BROKEN)) == [r.id for r in registry.requirements("client")]


@pytest.mark.parametrize("client", CONFORMANT, ids=lambda c: c.__name__)
def test_a_conformant_variant_is_found_breaking_nothing(client: type[ConformantClient]) -> None:
    transcript, judgement = played(client)
    assert judgement.findings == [] and not judgement.harness_errors
    # Every requirement was judged: a variant that passed by being judged on nothing proves nothing.
    assert {r.id for r in registry.requirements("client")} <= {
        rid for rid, n in judgement.judged.items() if n
    }
    assert transcript.context["requests_sent"] >= len(transcript.calls) > 50


@pytest.mark.parametrize("client", CONFORMANT, ids=lambda c: c.__name__)
def test_a_conformant_variant_passes_through_the_command_line(
    client: type[ConformantClient], tmp_path: Path
) -> None:
    spec = f"{client.__module__}:{client.__name__}"
    code, report, output = run_client_cli("--python", spec, *SUITE_ARGS, tmp_path=tmp_path)
    assert code == 0, output
    assert set(outcomes(report).values()) == {"passed"}, output
    assert report["role"] == "client"
    assert report["target"]["name"] == "conformant reference client (tests)"
    assert report["target"]["version"] == "1.0"
    assert report["requests_sent"] >= report["calls"] > 50
    assert 0 < report["wall_time_s"] < 60


def test_both_ways_with_ids_unsafe_as_a_segment_are_conformant() -> None:
    """Refused before sending (the conformant client), or sent with every dot encoded."""
    for client, sent in ((ConformantClient, set()), (SendsDotIdsEncoded, {"%2E", "%2E%2E", "%3Bx"})):
        transcript, judgement = played(client)
        calls = [c for c in transcript.calls if c.call.model_id in REFUSABLE]
        assert len(calls) == len(REFUSABLE) and not judgement.findings
        assert {r.raw_path.rsplit("/", 1)[1] for c in calls for r in c.received} == sent


def test_every_request_of_a_retried_call_is_judged() -> None:
    transcript, judgement = played(ConformantClient)
    retried = [c for c in transcript.calls if len(c.received) > 1]
    assert retried and all(c.call.betas and "/" in c.call.model_id for c in retried)
    attempts = {e.asked.attempt for e in transcript.exchanges if e.asked is not None}
    assert attempts == {0, 1, 2}
    assert judgement.judged["CLI-AUTH"] == judgement.judged["CLI-VERSION"] == len(transcript.exchanges)


def test_the_scenario_holds_to_the_2026_contract() -> None:
    _, judgement = played(ConformantClient, "2026-10-21")
    assert judgement.findings == [] and judgement.judged["CLI-PARSE"] > 20


@pytest.mark.parametrize("mode", ["crash", "hang", "garbage"])
def test_a_misbehaving_connector_is_a_harness_error_of_the_call_it_spoiled(mode: str, tmp_path: Path) -> None:
    connector = f"{sys.executable} -m tests.broken_clients {mode}"
    code, report, output = run_client_cli(
        "--connector",
        connector,
        *SUITE_ARGS,
        tmp_path=tmp_path,
        env={"BROKEN_CONNECTOR_STATE": str(tmp_path / "misbehaved")},
    )
    assert [entry["call"] for entry in report["harness_errors"]] == ["call 1"], output
    spoiled = {r["id"] for r in report["results"] if r.get("harness_errors")}
    # Call 1 retrieves the seed's id, answered with its model; the connector misbehaves before sending.
    assert spoiled == failed_ids(report) == {"CLI-PATH", "CLI-PARSE"}, output
    for result in report["results"]:
        if result["id"] in spoiled:
            assert not result["findings"]
            assert result["message"].startswith("call 1 could not be judged: harness error: "), result
            assert "restarted for the next check" in result["message"]
    assert report["target"]["name"] == f"broken connector ({mode})"
    assert code == 1, output  # a MUST could not be judged: not a pass


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
