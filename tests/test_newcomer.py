"""A newcomer's first commands, as the README gives them: they work as written."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ._cli import ROOT


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
    return {**env, **extra}


@pytest.fixture
def mock() -> Iterator[str]:
    """`models-conformance mock --port 0` as a user starts it: no key, no catalog, no flag."""
    process = subprocess.Popen(
        [sys.executable, "-m", "models_conformance", "mock", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_env(),
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("listening on "), line
        yield line.removeprefix("listening on ")
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def _server(*args: str, env: dict[str, str], tmp_path: Path) -> tuple[int, dict[str, object], str]:
    report = tmp_path / "report.json"
    result = subprocess.run(
        [sys.executable, "-m", "models_conformance", "server", "--report-json", str(report), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )
    data = json.loads(report.read_text()) if report.exists() else {}
    return result.returncode, data, result.stdout + result.stderr


def test_the_mock_and_the_suite_pass_together_with_their_defaults(mock: str, tmp_path: Path) -> None:
    code, report, output = _server("--base-url", mock, "--examples", "10", env=_env(), tmp_path=tmp_path)
    assert code == 0, output
    assert "no API key given: sending the mock's key 'conformance-mock-key'" in output
    outcomes = {r["id"]: r["outcome"] for r in report["results"]}  # type: ignore[attr-defined]
    # The suite finds the mock's aliases by itself (a dated id without its date) and judges them.
    assert outcomes["SRV-ALIAS"] == outcomes["SRV-AUTH-INVALID"] == "passed", output


def test_with_a_key_exported_the_mock_accepts_it_too(tmp_path: Path) -> None:
    env = _env(ANTHROPIC_API_KEY="sk-ant-api03-newcomer-own-key-0000000000")
    process = subprocess.Popen(
        [sys.executable, "-m", "models_conformance", "mock", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip().removeprefix("listening on ")
        code, _, output = _server("--base-url", url, "--examples", "5", env=env, tmp_path=tmp_path)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
    assert code == 0, output
    assert "sk-ant-api03-newcomer-own-key" not in output


def test_a_refused_key_says_where_it_came_from(mock: str, tmp_path: Path) -> None:
    code, _, output = _server(
        "--base-url", mock, env=_env(ANTHROPIC_API_KEY="not-the-mocks-key"), tmp_path=tmp_path
    )
    assert code == 2, output
    assert "answers 401 to the key in both credential forms" in output
    assert "(the key sent came from $ANTHROPIC_API_KEY)" in output
    assert "not-the-mocks-key" not in output


def test_the_readme_shows_what_the_main_job_prints(tmp_path: Path) -> None:
    """The sample output under "two commands" is a real run's: same lines, up to the port and seed."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sample = readme.split("The first prints one line per requirement and ends like this:", 1)[1]
    sample = sample.split("```", 2)[1].strip().splitlines()
    code, _, output = _server(env=_env(), tmp_path=tmp_path)
    assert code == 0, output
    ran = output.splitlines()

    def steady(line: str) -> str:  # what changes from run to run: the port, the seed, a count
        line = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", line)
        return re.sub(r"--seed \d+", "--seed N", line)

    for line in sample[1:]:  # the first line's count (exchanges judged) depends on the seed
        assert steady(line) in map(steady, ran), f"README shows {line!r}; a run prints:\n{output}"
