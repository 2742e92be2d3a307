"""The server suite records one cassette per check and replays them offline with the same verdicts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import models_conformance
from models_conformance.cassettes.suite import NOT_REPLAYABLE, RUN_FILE, SESSION_CASSETTE

SUITE = Path(models_conformance.__file__).parent / "suite"
SERVER_SUITE = tuple(sorted(SUITE.glob("test_*.py")))


def run_suite(tmp_path: Path, *args: str, name: str = "report") -> tuple[int, dict[str, Any], str]:
    """The server suite as ``models-conformance server`` runs it, plus ``args``."""
    report = tmp_path / f"{name}.json"
    command = [
        sys.executable, "-m", "pytest", *map(str, SERVER_SUITE), "--rootdir", str(SUITE), "-c",
        str(SUITE / "pytest.ini"), "--noconftest", "-p", "no:cacheprovider",
        "-W", "ignore::pytest.PytestAssertRewriteWarning",
        "--conformance-examples", "2", "--conformance-seed", "0",
        f"--conformance-report-json={report}", *args,
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    return result.returncode, json.loads(report.read_text()) if report.exists() else {}, output


def verdicts(report: dict[str, Any]) -> dict[str, str]:
    return {r["id"]: r["outcome"] for r in report["results"]}


def record(tmp_path: Path, directory: Path) -> tuple[int, dict[str, Any], str]:
    return run_suite(
        tmp_path, f"--conformance-cassettes={directory}", "--record-mode=rewrite", name="recorded"
    )


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("recorded")
    code, report, output = record(tmp, tmp / "cassettes")
    assert code == 0, output
    return tmp / "cassettes", report


def test_each_replayable_check_gets_its_own_cassette(recorded: tuple[Path, dict[str, Any]]) -> None:
    directory, report = recorded
    names = {path.stem for path in directory.glob("*.yaml")}
    assert SESSION_CASSETTE in names and "test_an_unknown_id_gets_404_not_found_error" in names
    assert "test_other_methods_get_a_4xx_error_envelope[POST]" in names
    assert not any("5xx" in name for name in names)  # hypothesis-driven: not replayable
    no_5xx = next(r for r in report["results"] if r["id"] == "SRV-NO-5XX")
    assert no_5xx["checks"][0]["outcome"] == "skipped"
    run = json.loads((directory / RUN_FILE).read_text())
    assert run["contract"] == "2023-06-01" and run["aliases"]


def test_the_raw_request_target_is_recorded_byte_for_byte(recorded: tuple[Path, dict[str, Any]]) -> None:
    directory, _ = recorded
    cassette = yaml.safe_load((directory / "test_percent_encoded_ids_name_the_same_model.yaml").read_text())
    paths = [
        interaction["request"]["uri"].split("/v1/models", 1)[1] for interaction in cassette["interactions"]
    ]
    assert {"/%2E%2E", "/..", "/.", "/%2F", "/..%2Fmodels"} <= set(paths)
    assert any(path.startswith("/%63%6C") for path in paths)  # every character percent-encoded
    session = yaml.safe_load((directory / f"{SESSION_CASSETTE}.yaml").read_text())
    assert any(i["request"]["uri"].endswith("/v1/models?limit=1000") for i in session["interactions"])


def test_replay_needs_no_server_and_gives_the_recorded_verdicts(
    tmp_path: Path, recorded: tuple[Path, dict[str, Any]]
) -> None:
    directory, report = recorded
    # Another host and port: matching ignores the host, and nothing listens there anyway.
    run_file = directory / RUN_FILE
    run = json.loads(run_file.read_text())
    run_file.write_text(json.dumps({**run, "base_url": "http://127.0.0.1:9"}))
    try:
        code, replayed, output = run_suite(
            tmp_path, f"--conformance-cassettes={directory}", "--block-network"
        )
    finally:
        run_file.write_text(json.dumps(run))
    assert code == 0, output
    assert "conformance: cassettes: replaying, no network" in output
    assert verdicts(replayed) == verdicts(report)


def test_a_request_missing_from_the_recording_fails_its_check_without_reaching_the_network(
    tmp_path: Path, recorded: tuple[Path, dict[str, Any]]
) -> None:
    copy = tmp_path / "cassettes"
    copy.mkdir()
    for path in recorded[0].iterdir():
        if path.name != "test_an_unknown_id_gets_404_not_found_error.yaml":
            (copy / path.name).write_bytes(path.read_bytes())
    _, report, output = run_suite(tmp_path, f"--conformance-cassettes={copy}", "--block-network", "-k", "404")
    result = next(r for r in report["results"] if r["id"] == "SRV-404")
    assert result["outcome"] == "failed" and "did not finish" in result["message"], output
    assert "Can't play back this request" in result["message"]


def test_replaying_a_folder_never_recorded_is_a_usage_error(tmp_path: Path) -> None:
    code, _, output = run_suite(tmp_path, f"--conformance-cassettes={tmp_path / 'none'}")
    assert code == 2
    assert f"no readable {RUN_FILE}" in output and "--record-mode=rewrite" in output


def test_the_hypothesis_check_is_the_only_one_left_out() -> None:
    assert set(NOT_REPLAYABLE) == {"SRV-NO-5XX"}


def test_a_live_profile_recording_replays_to_its_verdicts(tmp_path: Path) -> None:
    directory = tmp_path / "cassettes"
    live = ["--conformance-profile=live", "--conformance-rate=100000"]
    code, report, output = run_suite(
        tmp_path, f"--conformance-cassettes={directory}", "--record-mode=rewrite", *live, name="recorded"
    )
    assert code == 0, output
    assert json.loads((directory / RUN_FILE).read_text())["profile"] == "live"
    # Replayed without naming the profile: the recording's own settings (and seed) apply.
    code, replayed, output = run_suite(tmp_path, f"--conformance-cassettes={directory}", "--block-network")
    assert code == 0, output
    assert replayed["profile"] == "live" and replayed["seed"] == report["seed"]
    assert verdicts(replayed) == verdicts(report)
