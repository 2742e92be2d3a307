"""A server run's reports carry the drift of its traffic: a server that drifts is listed field by field,
header by header, in the JSON, HTML and Markdown reports and at the end of the terminal output; the
reference server's own traffic shows exactly the capabilities its catalog carries; the recording of a
run shows the drift the run showed; and ``drift`` reads a report's section back."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from models_conformance.reference.app import MOCK_KEY, create_app
from models_conformance.reference.server import ReferenceServer

from ._cli import run_command
from .drifting_server import ORG_ID, drifting

ARGS = ["--examples", "10", "--seed", "20261202", "--timeout", "5"]


def run_server(*args: str, tmp_path: Path) -> tuple[int, dict[str, Any], str]:
    html, markdown = tmp_path / "report.html", tmp_path / "report.md"
    code, report, output = run_command(
        "server",
        *ARGS,
        "--report-html",
        str(html),
        "--report-markdown",
        str(markdown),
        *args,
        tmp_path=tmp_path,
        env={"ANTHROPIC_API_KEY": MOCK_KEY},
    )
    report["_html"], report["_markdown"] = html.read_text(), markdown.read_text()
    return code, report, output


def names(drift: dict[str, Any], key: str = "items") -> set[tuple[str, str, Any]]:
    return {(i["kind"], i["name"], i.get("value")) for i in drift[key]}


@pytest.fixture(scope="module")
def drifting_url() -> Iterator[str]:
    with ReferenceServer(app=drifting(create_app(api_keys=[MOCK_KEY]))) as server:
        yield server.url


def member_paths(value: Any, prefix: str = "") -> set[str]:
    if not isinstance(value, dict):
        return set()
    paths = set()
    for key, item in value.items():
        paths |= {f"{prefix}{key}"} | member_paths(item, f"{prefix}{key}.")
    return paths


@pytest.mark.parametrize("contract", ["2023-06-01", "2026-10-21"])
def test_the_reference_servers_traffic_shows_only_its_capabilities_as_drift(
    contract: str, tmp_path: Path
) -> None:
    code, report, output = run_server("--contract", contract, tmp_path=tmp_path)
    assert code == 0, output
    with ReferenceServer() as server:
        served = httpx.get(
            f"{server.url}/v1/models?limit=1000", headers={"x-api-key": "k", "anthropic-version": contract}
        ).json()["data"]
    expected = set().union(*(member_paths(m.get("capabilities")) for m in served))
    drift = report["drift"]
    # The schema types `capabilities` only as an object: its members are one row that names them all.
    assert expected and names(drift) == {("field", "capabilities.*", None)}
    (capabilities,) = drift["items"]
    assert set(capabilities["members"]) == expected
    assert capabilities["nested"] and capabilities["contract"] == contract
    later = {name for m in served for name in m if name not in ("id", "created_at", "display_name", "type")}
    beyond = {("field", name, None) for name in later} if contract == "2023-06-01" else set()
    assert names(drift, "beyond_seed") == beyond
    # The suite sends an unknown beta on purpose (SRV-BETAS-UNKNOWN): its own requests are no client's.
    assert drift["exchanges"] == report["requests_sent"]


def test_a_drifting_server_is_listed_in_every_report(drifting_url: str, tmp_path: Path) -> None:
    code, report, output = run_server(
        "--base-url", drifting_url, "--contract", "2026-10-21", tmp_path=tmp_path
    )
    # The new lifecycle value is also a violation under 2026-10-21; everything else is drift alone.
    assert {r["id"] for r in report["results"] if r["outcome"] == "failed"} == {"SRV-LIFECYCLE"}, output
    assert code == 1
    assert names(report["drift"]) == {
        ("field", "tier", None),
        ("field", "capabilities.*", None),
        ("enum", "lifecycle", "sunset"),
        ("error_type", "method_not_allowed_error", None),
        ("header", "x-gateway-trace", None),
        ("header", "x-gateway-org", None),
    }
    by_name = {item["name"]: item for item in report["drift"]["items"]}
    assert {"batch.priority", "batch.priority.supported"} <= set(by_name["capabilities.*"]["members"])
    assert by_name["x-gateway-org"]["example"]["value"] == "(withheld)"
    assert by_name["method_not_allowed_error"]["example"]["request"].startswith(
        ("POST", "PUT", "PATCH", "DELETE")
    )
    assert by_name["tier"]["first_seen"] <= by_name["tier"]["last_seen"]
    for text in (json.dumps(report), output):
        assert ORG_ID not in text
    assert "drift: 6 things the contract does not describe" in output and "  fields (2): tier, " in output
    assert '  enum values (1): lifecycle = "sunset"' in output
    assert (
        "## Drift" in report["_markdown"] and "`method_not_allowed_error (HTTP 405)`" in report["_markdown"]
    )
    assert "batch.priority.supported" in report["_markdown"]  # the reports name every member
    assert '<section id="drift"><h2>Drift</h2>' in report["_html"] and "x-gateway-trace" in report["_html"]


def drift_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "models_conformance", "drift", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_recording_of_a_run_shows_the_drift_the_run_showed(drifting_url: str, tmp_path: Path) -> None:
    recording = tmp_path / "run.yaml"
    args = ("--base-url", drifting_url, "--contract", "2026-10-21", "--record", str(recording))
    _, live, _ = run_server(*args, tmp_path=tmp_path)
    _, checked, output = run_command("cassettes", "check", str(recording), tmp_path=tmp_path / "check")
    assert checked["drift"]["items"] == live["drift"]["items"], output
    read = drift_command(str(recording), "--json")
    assert read.returncode == 0, read.stderr
    # The same things, counted the same; only where an example was seen differs (a file, not a request).
    again = json.loads(read.stdout)
    assert names(again) == names(live["drift"]) and again["exchanges"] == live["drift"]["exchanges"]
    counts = {(i["kind"], i["name"]): i["count"] for i in again["items"]}
    assert counts == {(i["kind"], i["name"]): i["count"] for i in live["drift"]["items"]}


def test_the_drift_command_reads_a_reports_section_back(drifting_url: str, tmp_path: Path) -> None:
    _, report, _ = run_server("--base-url", drifting_url, "--contract", "2026-10-21", tmp_path=tmp_path)
    code, _, output = run_command("drift", str(tmp_path / "report.json"), tmp_path=tmp_path / "again")
    assert code == 2 and "unrecognized arguments: --report-json" in output  # drift writes no report
    result = drift_command(str(tmp_path / "report.json"), "--json", "--fail-on-drift")
    assert result.returncode == 1, result.stderr
    again = json.loads(result.stdout)
    assert again["items"] == report["drift"]["items"]
    assert again["sources"][0]["format"] == "report"
