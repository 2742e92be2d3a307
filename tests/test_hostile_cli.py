"""Proof, through the command line as a user runs it, that hostile servers and recordings end in a
precise verdict: the documented exit status, the reason in the output, no traceback, the API key in
no byte of output or report, under 512 MiB of memory, within the time the limits allow."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from models_conformance.reference.app import create_app
from models_conformance.reference.server import ReferenceServer

from ._cli import Measured, run_measured
from .hostile_recordings import RECORDINGS
from .hostile_servers import HostileServer

SENTINEL = "sk-ant-SENTINEL-hostile-7f3a9c1e5b2d4f6a8c0e"
ENV = {"ANTHROPIC_API_KEY": SENTINEL}
TIMEOUT = 0.5  # --timeout: seconds one request may take
MAX_PEAK_MIB = 512
STARTUP_S = 30  # a run's own time, beyond its requests: Python, pytest, the checks (on a busy machine)


def assert_precise(run: Measured, code: int, reason: str, report: str = "") -> None:
    assert run.code == code, run.output[-3000:]
    assert "Traceback" not in run.output, run.output[-3000:]
    assert reason in run.output + report, run.output[-3000:]
    assert SENTINEL not in run.output + report
    assert run.peak_mib < MAX_PEAK_MIB, f"peak {run.peak_mib:.0f} MiB"


SERVER_REASONS = {
    "endless-gzip": "the body exceeds the 4 MiB limit (--max-body) once decoded (gzip)",
    "endless-chunked": "the body exceeds the 4 MiB limit (--max-body); ",
    "huge-content-length": "the body exceeds the 4 MiB limit (--max-body); ",
    "brotli-bomb": "the body exceeds the 4 MiB limit (--max-body) once decoded (br)",
    "zstd-bomb": "the body exceeds the 4 MiB limit (--max-body) once decoded (zstd)",
    "huge-string": "the body exceeds the 4 MiB limit (--max-body); ",
    "headers-forever": "the status line and headers exceed the 64 KiB limit (--max-header-bytes)",
    "many-headers": "the answer has 1,003 headers, over the 100 allowed (--max-headers)",
    "one-byte-a-second": f"no complete answer within {TIMEOUT:g} s (the deadline of one request)",
    "garbage": "not HTTP: the server sent b'[REDACTED] SSH-2.0-OpenSSH_9.6 not HTTP",
    "reset-mid-body": "the connection was reset after 1,234 bytes of the body",
    "deep-json": "it is nested deeper than a JSON parser follows",
    "long-number": "a number in it is too long to read",
    "echo-key": "SRV-200-CREATED-AT (MUST) violated",
    "redirect-loop": "a redirect loop: ",
    "redirect-elsewhere": "/v1/models/stolen) was not followed: the request carried credentials",
}


def server_run(url: str, tmp_path: Path) -> tuple[Measured, dict[str, object], str]:
    report = tmp_path / "report.json"
    args = ["--examples", "1", "--seed", "7", "--timeout", str(TIMEOUT), "--report-json", str(report)]
    run = run_measured("server", "--base-url", url, *args, env=ENV, timeout=300)
    text = report.read_text() if report.exists() else ""
    return run, json.loads(text) if text else {}, text


@pytest.mark.parametrize("mode", list(SERVER_REASONS))
def test_a_hostile_server_fails_its_checks_precisely(mode: str, tmp_path: Path) -> None:
    with HostileServer("garbage") as elsewhere, HostileServer(mode, elsewhere=elsewhere.url) as server:
        run, report, text = server_run(server.url, tmp_path)
    assert_precise(run, 1, SERVER_REASONS[mode], text)
    requests = report["requests_sent"]
    assert isinstance(requests, int) and requests >= 3
    if requests < 10:
        # A target that gives no HTTP answer at all ends the run after a few: the rest would wait as long.
        assert "the run stopped early: the target stopped answering" in run.output, run.output[-2000:]
    assert run.seconds < requests * TIMEOUT + STARTUP_S
    assert elsewhere.connections == 0  # the redirect elsewhere was never followed


def test_a_server_that_redirects_within_its_origin_passes(tmp_path: Path) -> None:
    with (
        ReferenceServer(app=create_app(api_keys=[SENTINEL])) as upstream,
        HostileServer("redirect-same-origin", upstream=upstream.url) as server,
    ):
        run, report, text = server_run(server.url, tmp_path)
    assert_precise(run, 0, "MUST failed: 0", text)
    results = report["results"]
    assert isinstance(results, list)
    assert {result["outcome"] for result in results} <= {"passed", "skipped"}
    assert server.requests == 2 * report["requests_sent"]  # every request moved once


def test_the_limits_on_answers_are_settings(tmp_path: Path) -> None:
    with HostileServer("endless-chunked") as server:
        base = ["server", "--base-url", server.url, "--examples", "1", "--timeout", str(TIMEOUT)]
        run = run_measured(*base, "--max-body", "64KiB", env=ENV, timeout=300)
        assert_precise(run, 1, "the body exceeds the 64 KiB limit (--max-body)")
        run = run_measured(*base, "--max-header-bytes", "200KiB", env=ENV, timeout=300)
        assert_precise(
            run, 2, "--max-header-bytes must be a size from 1 KiB to 100 KiB, such as 4MiB; got '200KiB'"
        )
        run = run_measured(*base, "--max-body", "4 parsecs", env=ENV, timeout=300)
        assert_precise(run, 2, "--max-body must be a size from 1 KiB to 1 GiB, such as 4MiB; got '4 parsecs'")


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """Every hostile recording, written once, each with the reason the suite must give."""
    folder = tmp_path_factory.mktemp("hostile")
    reasons = {
        name: writer(folder / file, folder / "executed") for name, (file, writer, _) in RECORDINGS.items()
    }
    yield folder, reasons
    assert not (folder / "executed").exists()  # no tag ever ran anything


def recording(recordings: tuple[Path, dict[str, str]], name: str) -> tuple[Path, str, bool]:
    folder, reasons = recordings
    file, _, whole = RECORDINGS[name]
    return folder / file, reasons[name], whole


@pytest.mark.parametrize("name", list(RECORDINGS))
def test_cassettes_check_names_what_is_wrong_with_a_hostile_file(
    recordings: tuple[Path, dict[str, str]], name: str, tmp_path: Path
) -> None:
    path, reason, whole = recording(recordings, name)
    report = tmp_path / "report.json"
    run = run_measured("cassettes", "check", str(path), "--report-json", str(report), env=ENV, timeout=120)
    text = report.read_text()
    assert_precise(run, 2, reason, text)
    assert (f"{path}: not judged: " in run.stdout) is whole
    assert run.seconds < STARTUP_S


@pytest.mark.parametrize("name", list(RECORDINGS))
def test_drift_names_what_is_wrong_with_a_hostile_file(
    recordings: tuple[Path, dict[str, str]], name: str
) -> None:
    path, reason, whole = recording(recordings, name)
    run = run_measured("drift", str(path), env=ENV, timeout=120)
    # A file refused whole leaves nothing to read (2); one with unreadable interactions is read (0).
    assert_precise(run, 2 if whole else 0, reason)
    assert f"{path}: not read: " in run.stderr if whole else "problem: interaction 0: " in run.stderr
    assert run.seconds < STARTUP_S


@pytest.mark.parametrize("name", list(RECORDINGS))
def test_mock_replay_refuses_a_hostile_file(recordings: tuple[Path, dict[str, str]], name: str) -> None:
    path, reason, _ = recording(recordings, name)
    run = run_measured("mock", "--replay", str(path), "--port", "0", env=ENV, timeout=120)
    assert_precise(run, 2, reason)
    assert f"models-conformance mock: error: cannot replay: {path}: " in run.stderr
    assert run.seconds < STARTUP_S


def test_the_other_files_are_still_judged(recordings: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    good = Path(__file__).parents[1] / "cassettes" / "seed-example.yaml"
    huge, reason, _ = recording(recordings, "huge-file")
    many, _, _ = recording(recordings, "many-interactions")
    run = run_measured("cassettes", "check", str(huge), str(good), str(many), env=ENV, timeout=120)
    assert_precise(run, 2, reason)
    assert f"{good}: vcrpy, 1 interaction(s), 1 for models" in run.stdout
    assert "SRV-200-SCHEMA         MUST    passed" in run.stdout


def test_the_file_limits_are_settings(recordings: tuple[Path, dict[str, str]]) -> None:
    many, _, _ = recording(recordings, "many-interactions")
    run = run_measured("drift", str(many), "--max-interactions", "100", env=ENV, timeout=120)
    assert_precise(run, 2, "the file holds more than 100 interactions (--max-interactions)")
    run = run_measured("drift", str(many), "--max-file-size", "1MiB", env=ENV, timeout=120)
    assert_precise(run, 2, "bytes, over the 1 MiB limit (--max-file-size)")
    run = run_measured("drift", str(many), "--max-file-size", "lots", env=ENV, timeout=120)
    assert_precise(run, 2, "argument --max-file-size: expected a size such as 4MiB, 512KiB or 1048576")
