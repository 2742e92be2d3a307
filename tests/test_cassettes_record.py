"""``server --record FILE`` writes a run's whole transcript as one vcrpy cassette, and ``cassettes check
FILE`` gives the verdicts of the run that recorded it: requirement by requirement, the same outcome,
judged on as many exchanges, with the same findings and notes. Shown for the reference server in both
contract versions and for broken servers, in both profiles."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from vcr.serialize import deserialize
from vcr.serializers import yamlserializer

from models_conformance.reference.app import MOCK_KEY, create_app
from models_conformance.reference.server import ReferenceServer
from models_conformance.schemas import CONTRACTS

from ._cli import run_command
from .broken_servers import FAULTS, MISSED_BEFORE, App, Fault, answer_of
from .edge_proxy import EdgeProxy

SUITE_ARGS = ["--examples", "10", "--seed", "20261204", "--timeout", "5"]
# The live profile as a user runs it, minus its 1 request/s pacing (the servers are on loopback).
PROFILES = {"default": [], "live": ["--profile", "live", "--rate", "100000"]}
ENV = {"ANTHROPIC_API_KEY": MOCK_KEY}


def verdicts(report: dict[str, Any]) -> dict[str, tuple[str, int]]:
    return {r["id"]: (r["outcome"], r["judged"]) for r in report["results"]}


def _keyless(value: Any) -> Any:
    """``value`` without the credential a reproduction shows (the key sent live, redacted when written)."""
    if isinstance(value, dict):
        return {key: _keyless(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_keyless(item) for item in value]
    if isinstance(value, str):
        return re.sub(r"(x-api-key|authorization): [^\"]*", r"\1: KEY", value)
    return value


def record_and_check(tmp_path: Path, *args: str) -> tuple[dict[str, Any], dict[str, Any], Path]:
    """The live run's report and the report of ``cassettes check`` on its recording; both exit alike."""
    recording = tmp_path / "run.yaml"
    live_code, live, output = run_command(
        "server", *SUITE_ARGS, *args, "--record", str(recording), tmp_path=tmp_path / "live", env=ENV
    )
    assert live, output
    code, replayed, replay_output = run_command(
        "cassettes", "check", str(recording), "--contract", live["contract"], tmp_path=tmp_path / "replay"
    )
    assert code == live_code, output + replay_output
    return live, replayed, recording


def assert_agree(live: dict[str, Any], replayed: dict[str, Any]) -> None:
    # The report of a recording also lists the requirements on files and on recorded client requests.
    assert {rid: verdicts(replayed)[rid] for rid in verdicts(live)} == verdicts(live)
    findings = {r["id"]: _keyless(r["findings"]) for r in live["results"]}
    assert {r["id"]: _keyless(r["findings"]) for r in replayed["results"] if r["id"] in findings} == findings
    assert _keyless(replayed["notes"]) == _keyless(live["notes"])
    assert replayed["drift"] == live["drift"]


@pytest.mark.parametrize("profile", list(PROFILES))
@pytest.mark.parametrize("contract", CONTRACTS)
def test_the_reference_servers_verdicts_and_their_replay_agree(
    contract: str, profile: str, tmp_path: Path
) -> None:
    live, replayed, _ = record_and_check(tmp_path, "--contract", contract, *PROFILES[profile])
    assert live["summary"]["failed"] == 0 and live["summary"]["passed"] >= 20
    assert_agree(live, replayed)


@contextmanager
def serving(app: App) -> Iterator[str]:
    with ReferenceServer(app=app) as server:
        yield server.url


def broken(fault: Fault) -> App:
    return fault.wrap(create_app(**{"api_keys": [MOCK_KEY], **fault.app_options}))


# One fault of each kind of judgement: a body, a status for what a probe meant (key, betas, id), a
# comparison across exchanges, an alias, a header, an answer that is not JSON, the later contract.
AGREEING = (
    "SRV-200-SCHEMA",
    "SRV-200-SCHEMA-nan",
    "SRV-404",
    "SRV-ID-ROUNDTRIP",
    "SRV-ALIAS",
    "SRV-IDEMPOTENT",
    "SRV-AUTH-INVALID-bearer",
    "SRV-BETAS-UNKNOWN-beside-documented",
    "SRV-NO-5XX-intermittent",
    "SRV-REQUEST-ID",
    "SRV-LIFECYCLE",
)
BY_ID = {fault.id: fault for fault in (*FAULTS, *MISSED_BEFORE)}


@pytest.mark.parametrize("profile", list(PROFILES))
@pytest.mark.parametrize("name", AGREEING)
def test_a_broken_servers_verdicts_and_their_replay_agree(name: str, profile: str, tmp_path: Path) -> None:
    fault = BY_ID[name]
    args = ["--contract", fault.contract, *PROFILES[profile]]
    args += ["--alias", "claude-opus-4-5"] if fault.with_aliases else []
    with serving(broken(fault)) as url:
        live, replayed, _ = record_and_check(tmp_path, "--base-url", url, *args)
    assert fault.breaks in {r["id"] for r in live["results"] if r["outcome"] == "failed"}
    assert_agree(live, replayed)


def gzip_without_its_header(app: App) -> App:
    """``app``, except that one model's answers are gzip bytes with no content-encoding to say so."""

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("raw_path") != b"/v1/models/claude-opus-4-6":
            await app(scope, receive, send)
            return
        start, plain = await answer_of(app, scope, receive)
        body = gzip.compress(plain)
        headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return wrapped


OTHER_SERVERS: dict[str, Callable[[], App]] = {
    # Its retried 502s are notes of the run: the recording keeps them beside the answer that followed.
    "an edge proxy in front": lambda: EdgeProxy().wrap(create_app(api_keys=[MOCK_KEY])),
    # Judged as it came: a replay must not decompress what the run could not read.
    "gzip bytes without content-encoding": lambda: gzip_without_its_header(create_app(api_keys=[MOCK_KEY])),
}


@pytest.mark.parametrize("name", list(OTHER_SERVERS))
def test_what_only_a_run_saw_survives_its_recording(name: str, tmp_path: Path) -> None:
    with serving(OTHER_SERVERS[name]()) as url:
        live, replayed, _ = record_and_check(tmp_path, "--base-url", url)
    assert live["notes"] or live["summary"]["must_failed"], live["summary"]
    assert_agree(live, replayed)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    tmp = tmp_path_factory.mktemp("recorded")
    live, _, recording = record_and_check(tmp)
    return live, recording


def test_the_recording_is_one_vcrpy_cassette_of_every_request_sent(
    recorded: tuple[dict[str, Any], Path],
) -> None:
    live, recording = recorded
    document = yaml.safe_load(recording.read_text())
    requests, responses = deserialize(recording.read_text(), yamlserializer)  # vcrpy reads it as its own
    assert len(document["interactions"]) == len(requests) == len(responses) == live["requests_sent"]
    assert document["conformance_run"] == {"role": "server", "contract": live["contract"]}
    wheres = [interaction["conformance"]["where"] for interaction in document["interactions"]]
    assert wheres == [f"request {n}" for n in range(1, len(wheres) + 1)]
    assert all(interaction["conformance"]["probe"]["shape"] for interaction in document["interactions"])


def test_the_raw_request_target_is_recorded_byte_for_byte(recorded: tuple[dict[str, Any], Path]) -> None:
    _, recording = recorded
    uris = [i["request"]["uri"] for i in yaml.safe_load(recording.read_text())["interactions"]]
    paths = {uri.split("/v1/models", 1)[1] for uri in uris}
    assert {"/%2E%2E", "/..", "/.", "/%2F", "/..%2Fmodels", "?limit=1000"} <= paths
    assert any(path.startswith("/%63%6C") for path in paths)  # every character percent-encoded


KEY = "sk-ant-" + "api03-" + "Rk4" * 12 + "-recordedAA"


def test_no_credential_reaches_the_recording(tmp_path: Path) -> None:
    recording = tmp_path / "run.yaml"
    with serving(create_app(api_keys=[KEY])) as url:
        code, _, output = run_command(
            "server", "--base-url", url, *SUITE_ARGS, "--record", str(recording), tmp_path=tmp_path,
            env={"ANTHROPIC_API_KEY": KEY},
        )  # fmt: skip
    assert code == 0, output
    text = recording.read_text()
    assert KEY not in text and KEY[:16] not in text and "x-api-key:\n      - '[REDACTED]'" in text
    code, checked, output = run_command("cassettes", "check", str(recording), tmp_path=tmp_path / "check")
    assert code == 0 and verdicts(checked)["CAS-NO-SECRETS"][0] == "passed", output
