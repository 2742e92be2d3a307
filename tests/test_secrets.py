"""Issue 16: the API key appears in no byte of what any front end prints or writes, on its failure
paths too: a target that stops answering, a dead one, a refused key, a usage error, a check that cannot
finish, a connector that misbehaves, recordings that hold the key, and nox's own log."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from models_conformance import SEED_EXAMPLE
from models_conformance.reference.app import create_app
from models_conformance.reference.keys import MOCK_KEY
from models_conformance.reference.server import ReferenceServer

from ._cli import ROOT

SENTINEL = "sk-ant-api03-SENTINEL-0f3e9a7c5b1d2e4f6a8b0c1d3e5f7a9b"
LIST_PAGE = json.dumps({"data": [SEED_EXAMPLE], "has_more": False, "first_id": "m", "last_id": "m"}).encode()


class SilentAfterDiscovery:
    """Answers the first request with a list page, then accepts connections and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.held: list[socket.socket] = []
        self.answered = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.recv(65536)
            if not self.answered:
                self.answered = True
                head = (
                    f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len(LIST_PAGE)}"
                )
                conn.sendall(head.encode() + b"\r\nconnection: close\r\n\r\n" + LIST_PAGE)
                conn.close()
            else:
                self.held.append(conn)  # accepted, never answered

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def silent() -> Iterator[SilentAfterDiscovery]:
    server = SilentAfterDiscovery()
    yield server
    server.close()


def run(*argv: str, cwd: Path = ROOT, timeout: float = 120, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "ANTHROPIC_API_KEY": SENTINEL, **extra}
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout, cwd=cwd, env=env)


def cli(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, "-m", "models_conformance", *args, **extra)


def assert_nowhere(result: subprocess.CompletedProcess[str], *files: Path) -> None:
    assert SENTINEL not in result.stdout + result.stderr
    for file in files:
        if file.exists():
            assert SENTINEL.encode() not in file.read_bytes(), file
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-2000:]


def reports(folder: Path) -> tuple[list[str], list[Path]]:
    names = {"json": "r.json", "html": "r.html", "markdown": "r.md", "junit": "r.xml"}
    paths = [folder / name for name in names.values()]
    return [arg for kind, name in names.items() for arg in (f"--report-{kind}", str(folder / name))], paths


def test_a_target_that_stops_answering_ends_within_its_timeouts_and_shows_no_key(
    silent: SilentAfterDiscovery, tmp_path: Path
) -> None:
    args, files = reports(tmp_path)
    record = tmp_path / "run.yaml"
    base = ["server", "--base-url", silent.url, "--timeout", "0.5", "--api-key", SENTINEL]
    result = cli(*base, *args, "--record", str(record))
    assert result.returncode == 1, result.stdout[-2000:]
    assert "the run stopped early: the target stopped answering" in result.stdout
    assert_nowhere(result, *files, record)
    assert all(file.exists() for file in files)


def test_the_pytest_front_end_shows_no_key_on_a_silent_target(
    silent: SilentAfterDiscovery, tmp_path: Path
) -> None:
    junit = tmp_path / "junit.xml"
    result = run(
        sys.executable,
        "-m",
        "pytest",
        "--pyargs",
        "models_conformance.suite",
        "-p",
        "no:cacheprovider",
        f"--conformance-base-url={silent.url}",
        "--conformance-timeout=0.5",
        f"--conformance-api-key={SENTINEL}",
        f"--junitxml={junit}",
        "-l",
        "--tb=long",
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert_nowhere(result, junit)


@pytest.mark.parametrize(
    "args",
    [
        ["server", "--base-url", "http://127.0.0.1:9", "--api-key", SENTINEL],  # nothing listens
        ["server", "--examples", "0", "--api-key", SENTINEL],  # a usage error
        ["server", "--bse-url", "http://127.0.0.1:9", "--api-key", SENTINEL],  # a misspelt flag
    ],
    ids=["dead-target", "usage-error", "misspelt-flag"],
)
def test_a_run_that_cannot_start_shows_no_key(args: list[str]) -> None:
    result = cli(*args)
    assert result.returncode in (2, 3)
    assert_nowhere(result)


def test_a_refused_key_is_named_by_where_it_came_from_not_by_its_value(tmp_path: Path) -> None:
    with ReferenceServer(app=create_app(api_keys=[MOCK_KEY])) as server:
        result = cli("server", "--base-url", server.url, "--api-key", SENTINEL)
    assert result.returncode == 2 and "(the key sent came from --api-key)" in result.stderr
    assert_nowhere(result)


def test_a_target_that_echoes_the_key_is_judged_without_showing_it(tmp_path: Path) -> None:
    # The reference server accepts only the sentinel and answers a wrong key with a message; a gateway
    # that echoes the key would put it in bodies: every output is redacted all the same.
    args, files = reports(tmp_path)
    with ReferenceServer(app=create_app(api_keys=[SENTINEL])) as server:
        result = cli("server", "--base-url", server.url, "--examples", "5", "--api-key", SENTINEL, *args)
    assert result.returncode == 0, result.stdout[-2000:]
    assert_nowhere(result, *files)


@pytest.fixture
def leaky_cassette(tmp_path: Path) -> Path:
    path = tmp_path / "leaky.yaml"
    path.write_text(
        "interactions:\n- request:\n    method: GET\n    uri: https://api.anthropic.com/v1/models/m\n"
        f"    headers:\n      x-api-key: [{SENTINEL}]\n"
        "      anthropic-version: ['2023-06-01']\n    body: null\n"
        "  response:\n    status: {code: 200, message: OK}\n    headers: {content-type: [application/json]}\n"
        f"    body: {{string: '{json.dumps({**SEED_EXAMPLE, 'note': SENTINEL})}'}}\n"
    )
    return path


def test_recordings_that_hold_the_key_are_judged_without_showing_it(
    leaky_cassette: Path, tmp_path: Path
) -> None:
    args, files = reports(tmp_path)
    result = cli("cassettes", "check", str(leaky_cassette), *args)
    assert result.returncode == 1 and "CAS-NO-SECRETS (MUST) violated" in result.stdout
    assert_nowhere(result, *files)
    drift = cli("drift", str(leaky_cassette), "--json")
    assert_nowhere(drift)


def test_the_mock_serving_a_leaky_recording_does_not_print_the_key(leaky_cassette: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "models_conformance", "mock", "--port", "0", "--replay", str(leaky_cassette)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"PATH": "/usr/bin:/bin", "ANTHROPIC_API_KEY": SENTINEL},
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("listening on ")
    finally:
        process.terminate()
        out, err = process.communicate(timeout=10)
    assert SENTINEL not in out + err and "Traceback" not in err


def test_a_misbehaving_connector_shows_no_key(tmp_path: Path) -> None:
    args, files = reports(tmp_path)
    connector = f"{sys.executable} tests/hostile_connectors.py leak-key"
    result = cli(
        "client",
        "--connector",
        connector,
        "--examples",
        "3",
        "--timeout",
        "1",
        *args,
        HOSTILE_DIR=str(tmp_path),
    )
    assert result.returncode in (0, 1)
    assert_nowhere(result, *files)


def test_nox_never_logs_a_key_given_as_an_argument() -> None:
    sys.path.insert(0, str(ROOT))
    try:
        import noxfile
    finally:
        sys.path.remove(str(ROOT))
    args, env = noxfile.suite_args(["--base-url", "http://x", "--api-key", SENTINEL, "--seed", "1"])
    assert SENTINEL not in args and env == {"ANTHROPIC_API_KEY": SENTINEL}
    args, env = noxfile.suite_args([f"--api-key={SENTINEL}"])
    assert args == [] and env == {"ANTHROPIC_API_KEY": SENTINEL}
