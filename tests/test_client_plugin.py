"""The client suite as pytest users meet it, and the official SDKs judged by it."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from models_conformance import registry
from models_conformance.client.inprocess import AnthropicClient, InProcess
from models_conformance.client.run import run_client
from models_conformance.judge import judge

from ._cli import ROOT
from .test_client_broken import run_client_cli

pytest_plugins = ["pytester"]

CONFTEST = """
import pytest
from tests.broken_clients import ConformantClient

@pytest.fixture(scope="session")
def conformance_client():
    client = ConformantClient()
    yield client
    client.close()  # its connection pool; left open it warns later, in whichever test collects it
"""
TS_CONNECTOR = ROOT / "connectors" / "typescript-anthropic"


def test_a_users_own_module_judges_the_client_its_conformance_client_fixture_returns(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(ROOT))
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_my_client="from models_conformance.suite.client.test_client import *  # noqa: F403\n"
    )
    report = pytester.path / "report.json"
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "--conformance-examples=5", f"--conformance-report-json={report}"
    )
    result.assert_outcomes(passed=len(list(registry.requirements("client"))))
    data = json.loads(report.read_text())
    assert data["role"] == "client"
    assert data["target"]["name"] == "conformant reference client (tests)"
    assert {r["outcome"] for r in data["results"]} == {"passed"}


def test_the_client_suite_without_a_client_is_a_usage_error_saying_how_to_give_one(
    pytester: pytest.Pytester,
) -> None:
    result = pytester.runpytest_subprocess(
        "--pyargs", "models_conformance.suite.client", "-p", "no:cacheprovider"
    )
    assert result.ret == 2
    result.stdout.fnmatch_lines(["*--conformance-client-python SPEC, --conformance-client-connector CMD*"])


def test_a_server_run_does_not_collect_the_client_checks(pytester: pytest.Pytester) -> None:
    from models_conformance import suite

    items, _ = pytester.inline_genitems(str(Path(suite.__file__).parent), "-p", "no:cacheprovider")
    named = {str(mark.args[0]) for item in items for mark in item.iter_markers("requirement")}
    assert named and not any(rid.startswith("CLI-") for rid in named)


def _musts_pass(report: dict[str, Any], output: str) -> None:
    results = report["results"]
    musts = {r["id"]: r["outcome"] for r in results if registry.get(r["id"]).level == "MUST"}
    assert set(musts.values()) == {"passed"}, output
    assert not report.get("harness_errors"), output


def test_the_official_python_sdk_breaks_no_must_in_the_judges_findings() -> None:
    pytest.importorskip("anthropic")
    driver = InProcess(AnthropicClient(), spec="anthropic")
    try:
        transcript = run_client(driver, contract="2023-06-01", seed=1, examples=20, timeout_s=5.0)
    finally:
        driver.close()
    judgement = judge(transcript)
    assert {f.requirement_id for f in judgement.findings if registry.get(f.requirement_id).fails_run} == set()
    assert not judgement.harness_errors
    # What it does break, a SHOULD: a 200 that is not a model comes back as a half-filled model.
    assert {f.requirement_id for f in judgement.findings} <= {"CLI-MALFORMED"}


def test_the_official_python_sdk_in_process_fails_no_must(tmp_path: Path) -> None:
    pytest.importorskip("anthropic")
    code, report, output = run_client_cli("--python", "anthropic", "--seed", "1", tmp_path=tmp_path)
    assert code == 0, output
    _musts_pass(report, output)
    assert report["target"]["name"].startswith("anthropic")


def test_the_python_sdk_connector_gives_the_verdicts_of_the_sdk_in_process(tmp_path: Path) -> None:
    pytest.importorskip("anthropic")
    connector = f"{sys.executable} {ROOT / 'connectors' / 'python-anthropic' / 'connector.py'}"
    code, report, output = run_client_cli(
        "--connector", connector, "--seed", "1", "--examples", "20", tmp_path=tmp_path
    )
    (tmp_path / "in-process").mkdir()
    _, in_process, _ = run_client_cli(
        "--python", "anthropic", "--seed", "1", "--examples", "20", tmp_path=tmp_path / "in-process"
    )
    assert code == 0, output
    assert [r["outcome"] for r in report["results"]] == [r["outcome"] for r in in_process["results"]]


@pytest.mark.skipif(
    shutil.which("node") is None or not (TS_CONNECTOR / "node_modules").is_dir(),
    reason="needs node and `npm install` in connectors/typescript-anthropic (nox -s client_ts does both)",
)
def test_the_typescript_sdk_through_its_connector_fails_no_must(tmp_path: Path) -> None:
    code, report, output = run_client_cli(
        "--connector",
        f"node {TS_CONNECTOR / 'connector.mjs'}",
        "--seed",
        "1",
        tmp_path=tmp_path,
        env={"PATH": f"{Path(shutil.which('node') or 'node').parent}:/usr/bin:/bin"},
    )
    assert code == 0, output
    _musts_pass(report, output)
    assert report["target"]["name"].startswith("@anthropic-ai/sdk")
