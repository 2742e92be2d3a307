"""The clients nobody here wrote, driven through the command line as `nox -s client_foreign` does.

The in-process ones need only the official Python SDK (the test extra installs it), so they run in
CI; the connectors need Node.js and an `npm install` in
connectors/typescript-foreign, and are skipped without them. The verdicts are docs/client-verdicts.md's.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from models_conformance import registry

from ._cli import ROOT, run_command

PYTHON_FOREIGN = ROOT / "connectors" / "python-foreign"
TS_FOREIGN = ROOT / "connectors" / "typescript-foreign"
QUICK = ["--seed", "1", "--examples", "3"]
FACTORIES = {
    "models_retrieve": "anthropic client.models.retrieve",
    "async_beta_retrieve": "anthropic AsyncAnthropic beta.models.retrieve (httpx",
    "aiohttp_beta_retrieve": "anthropic AsyncAnthropic beta.models.retrieve (aiohttp",
}


def run_client(*args: str, tmp_path: Path) -> tuple[int, dict[str, Any], str]:
    return run_command("client", *args, tmp_path=tmp_path, env={"PYTHONPATH": str(PYTHON_FOREIGN)})


def outcomes(report: dict[str, Any]) -> dict[str, str]:
    return {result["id"]: result["outcome"] for result in report["results"]}


def must_failures(report: dict[str, Any]) -> set[str]:
    return {
        rid
        for rid, outcome in outcomes(report).items()
        if outcome == "failed" and registry.get(rid).level == "MUST"
    }


def no_harness_errors(report: dict[str, Any]) -> bool:
    return not report.get("harness_errors")


@pytest.mark.parametrize("factory", list(FACTORIES))
def test_each_python_variant_speaks_the_protocol_and_fails_no_must_of_its_own(
    factory: str, tmp_path: Path
) -> None:
    anthropic = pytest.importorskip("anthropic")
    code, report, output = run_client("--python", f"anthropic_variants:{factory}", *QUICK, tmp_path=tmp_path)
    assert report, output
    assert report["target"]["name"].startswith(FACTORIES[factory]), report["target"]
    assert report["target"]["version"] == anthropic.__version__
    assert no_harness_errors(report), output
    assert {"CLI-PATH", "CLI-PARSE", "CLI-ERROR-SURFACE", "CLI-MALFORMED"} <= set(outcomes(report))
    assert must_failures(report) == set(), output
    assert code == 0, output


@pytest.fixture(scope="module")
def betas_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """The non-beta call, which has no betas parameter."""
    pytest.importorskip("anthropic")
    _, report, output = run_client(
        "--python", "anthropic_variants:models_retrieve", *QUICK, tmp_path=tmp_path_factory.mktemp("betas")
    )
    return report, output


def test_a_call_without_a_betas_parameter_is_judged_on_the_case_without_betas(
    betas_run: tuple[dict[str, Any], str],
) -> None:
    # Found judging Anthropic().models.retrieve: CLI-BETAS failed a call that takes no betas, because
    # the protocol could not say so. The client now says it (takes_betas / hello's "betas": false), and
    # the scenario gives such a client no betas: every request it sends is judged on sending none.
    report, output = betas_run
    result = next(r for r in report["results"] if r["id"] == "CLI-BETAS")
    assert result["outcome"] == "passed", output
    assert result["judged"] == report["requests_sent"]
    assert report["target"]["takes_betas"] is False


# Each connector's MUST failures as published in docs/client-verdicts.md (seed 1).
CONNECTORS = {
    "anthropic-models.mjs": ("@anthropic-ai/sdk client.models.retrieve", set()),
    "effect-anthropic.mjs": (
        "@effect/ai-anthropic betaModelsGet",
        {"CLI-PATH", "CLI-EMPTY-ID", "CLI-ERROR-SURFACE"},
    ),
}


@pytest.mark.skipif(
    shutil.which("node") is None or not (TS_FOREIGN / "node_modules").is_dir(),
    reason="needs node and `npm install` in connectors/typescript-foreign (nox -s client_foreign does both)",
)
@pytest.mark.parametrize("script", list(CONNECTORS))
def test_each_typescript_connector_gives_its_published_must_verdict(script: str, tmp_path: Path) -> None:
    name, failing = CONNECTORS[script]
    code, report, output = run_client(
        "--connector", f"node {TS_FOREIGN / script}", "--seed", "1", tmp_path=tmp_path
    )
    assert report["target"]["name"].startswith(name), report["target"]
    assert no_harness_errors(report), output
    assert must_failures(report) == failing, output
    assert code == (1 if failing else 0), output
