"""Every example in examples/ works as its comments say."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from models_conformance.baseline import load_baseline
from models_conformance.cli import build_parser
from models_conformance.reference.app import MOCK_KEY, create_app
from models_conformance.reference.server import ReferenceServer

from ._cli import ROOT
from .broken_servers import FAULTS
from .test_broken_servers import run_cli

EXAMPLES = ROOT / "examples"


def test_the_pytest_example_judges_a_gateway_from_a_users_own_session() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLES / "pytest")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


def test_the_baseline_example_turns_its_known_failure_into_an_expected_one(tmp_path: Path) -> None:
    baseline = load_baseline(EXAMPLES / "baseline.yaml")
    assert baseline.get("SRV-REQUEST-ID") is not None
    fault = next(f for f in FAULTS if f.breaks == "SRV-REQUEST-ID")
    with ReferenceServer(app=fault.wrap(create_app(api_keys=[MOCK_KEY]))) as server:
        args = ["--base-url", server.url, "--examples", "5", "--baseline", str(EXAMPLES / "baseline.yaml")]
        code, report, output = run_cli(*args, tmp_path=tmp_path)
    assert code == 0, output
    outcome = {r["id"]: r["outcome"] for r in report["results"]}["SRV-REQUEST-ID"]
    assert outcome == "expected-failure"


def test_the_github_workflow_runs_a_command_the_suite_accepts() -> None:
    workflow = yaml.safe_load((EXAMPLES / "github-actions" / "conformance.yml").read_text())
    steps = workflow["jobs"]["server"]["steps"]
    judge = next(step for step in steps if step.get("name") == "Judge it")
    argv = shlex.split(judge["run"])
    assert argv[0] == "models-conformance"
    args, extra = build_parser().parse_known_args(argv[1:])
    assert not extra and args.command == "server" and args.report_junit and args.baseline
    assert "ANTHROPIC_API_KEY" in judge["env"]
