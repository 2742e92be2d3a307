"""The command line as a user meets it: usage errors, unreachable targets, garbage answers, the registry."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from models_conformance.reference.server import ReferenceServer

from .test_broken_servers import failed_ids, run_cli


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "models_conformance", *args], capture_output=True, text=True, timeout=120
    )


def test_requirements_prints_every_requirement_as_a_table() -> None:
    result = cli("requirements")
    assert result.returncode == 0
    assert "SRV-200-SCHEMA" in result.stdout and "CLI-TIMEOUT" in result.stdout
    assert result.stdout.splitlines()[0].split()[:3] == ["ID", "level", "role"]


def test_requirements_json_is_data() -> None:
    data = json.loads(cli("requirements", "--json", "--role", "server").stdout)
    assert {entry["role"] for entry in data} == {"server"}
    assert {"id", "level", "role", "statement", "source", "contracts"} <= set(data[0])


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["server", "--contract", "2024-01-01"], "invalid choice: '2024-01-01'"),
        (["server", "--base-url", "ftp://example"], "--base-url must be an http(s) URL"),
        (["server", "--base-url", "http://127.0.0.1:99999"], "--base-url must be an http(s) URL"),
        (
            ["server", "--base-url", "https://api.example.invalid"],
            "no API key for https://api.example.invalid",
        ),
        (["server", "--seed", "minus"], "--seed must be a whole number"),
        (["server", "--examples", "0"], "--examples must be a whole number from 1"),
        (["server", "--no-such-flag"], "unrecognized arguments: --no-such-flag"),
        (["server", "--bse-url", "http://x"], "--bse-url (did you mean --base-url?)"),
        (["client", "--python", "anthropic", "--exmaples", "3"], "did you mean --examples?"),
        (["nope"], "invalid choice: 'nope'"),
        (["mock", "--catalog", "/nonexistent/catalog.json"], "/nonexistent/catalog.json"),
    ],
)
def test_a_usage_error_exits_2_and_says_what_is_allowed(args: list[str], says: str) -> None:
    result = cli(*args)
    assert result.returncode == 2, result
    assert says in result.stderr
    assert "Traceback" not in result.stderr
    assert "models-conformance " + args[0] in result.stderr or args == ["nope"]


@pytest.mark.parametrize("flag", ["--report-json", "--report-html", "--report-markdown", "--report-junit"])
def test_a_report_in_a_folder_that_does_not_exist_yet_is_written_there(flag: str, tmp_path: Path) -> None:
    path = tmp_path / "reports" / "nested" / "out"
    result = cli("server", "--examples", "3", flag, str(path))
    assert result.returncode == 0, result.stderr
    assert path.is_file() and path.stat().st_size > 0


@pytest.mark.parametrize("flag", ["--report-json", "--write-baseline", "--record"])
def test_an_output_that_cannot_be_written_is_a_usage_error_before_the_run(flag: str, tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    started = time.monotonic()
    result = cli("server", flag, str(folder))
    assert result.returncode == 2 and f"{flag} names a folder" in result.stderr, result.stderr
    assert "requests sent" not in result.stdout  # nothing was run
    assert time.monotonic() - started < 10


def test_every_run_says_how_to_run_it_again_with_the_flags_of_its_front_end() -> None:
    result = cli("server", "--examples", "3", "--seed", "42")
    assert result.returncode == 0, result.stderr
    assert "reproduce with: models-conformance server --contract 2023-06-01 --seed 42" in result.stdout
    assert "--conformance-seed" not in result.stdout


def test_an_unreachable_target_exits_3_within_seconds_with_one_line() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    result = cli("server", "--base-url", f"http://127.0.0.1:{port}")
    assert result.returncode == 3
    assert time.monotonic() - started < 15
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith("no API key given")]
    assert len(lines) == 1, result.stderr
    assert f"http://127.0.0.1:{port}" in lines[0] and "cannot" in lines[0]


def _garbage_app(status: int, content_type: str, body: bytes) -> Any:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


GARBAGE = {
    "html": (200, "text/html", b"<!DOCTYPE html><html><body>Welcome to nginx!</body></html>"),
    "truncated-json": (200, "application/json", b'{"id": "claude-opus-4-6", "created_at": "2026-02-'),
    "empty-200": (200, "application/json", b""),
    "nested-too-deep": (200, "application/json", b"[" * 100_000),
}


@pytest.fixture
def garbage(request: pytest.FixtureRequest) -> Iterator[str]:
    with ReferenceServer(app=_garbage_app(*GARBAGE[request.param])) as server:
        yield server.url


@pytest.mark.parametrize("garbage", sorted(GARBAGE), indirect=True)
def test_a_target_that_answers_garbage_gets_precise_failures_not_a_crash(
    garbage: str, tmp_path: Path
) -> None:
    code, report, output = run_cli("--base-url", garbage, "--examples", "5", tmp_path=tmp_path)
    assert code == 1, output
    assert "Traceback" not in output
    assert "SRV-200-SCHEMA" in failed_ids(report)
    schema = next(r for r in report["results"] if r["id"] == "SRV-200-SCHEMA")
    assert "is not a JSON document" in schema["message"] or "is not a page of models" in schema["message"]


def test_a_run_leaves_no_hypothesis_folder_in_the_working_directory(tmp_path: Path) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "models_conformance", "server", "--examples", "5"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=work,
        env={"PATH": "/usr/bin:/bin", "HOME": str(home)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (work / ".hypothesis").exists()
    # Hypothesis's Unicode tables went to the per-user cache, where the next run finds them.
    assert list(
        (home / ".cache" / "models-api-conformance" / "hypothesis").glob("unicode_data/*/charmap.json.gz")
    )
