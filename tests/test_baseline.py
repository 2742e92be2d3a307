"""Known-failure baselines: a listed failure turns green, a fixed one turns the run red, bad files exit 2."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from models_conformance.baseline import BaselineError, load_baseline, write_baseline
from models_conformance.reference.app import MOCK_KEY as REFERENCE_KEY
from models_conformance.reference.app import create_app
from models_conformance.reference.server import ReferenceServer

from .broken_servers import FAULTS
from .test_broken_servers import run_cli

TYPE_FAULT = next(f for f in FAULTS if f.breaks == "SRV-200-TYPE")
FAST = ["--examples", "5", "--seed", "3"]


@pytest.fixture(scope="module")
def wrong_type_server() -> Iterator[str]:
    with ReferenceServer(app=TYPE_FAULT.wrap(create_app(api_keys=[REFERENCE_KEY]))) as server:
        yield server.url


def outcome(report: dict[str, Any], requirement_id: str) -> str:
    return str(next(r["outcome"] for r in report["results"] if r["id"] == requirement_id))


def test_yaml_and_json_baselines_are_read(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text("- id: SRV-404\n  reason: proxy answers 403\n  expires: 2099-01-01\n")
    (tmp_path / "b.json").write_text(json.dumps({"expected_failures": [{"id": "SRV-404", "reason": "r"}]}))
    yaml_entry = load_baseline(tmp_path / "b.yaml").get("SRV-404")
    assert yaml_entry is not None and yaml_entry.expires == dt.date(2099, 1, 1)
    assert load_baseline(tmp_path / "b.json").get("SRV-404") is not None


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("- id: SRV-NOPE\n  reason: r\n", "unknown requirement ID 'SRV-NOPE'; known IDs: SRV-200-SCHEMA"),
        ("- id: SRV-404\n", "SRV-404 needs a non-empty 'reason'"),
        ("- id: SRV-404\n  reason: r\n  expires: next week\n", "'expires' must be a date YYYY-MM-DD"),
        ("- id: SRV-404\n  reason: r\n  owner: me\n", "unknown key(s) ['owner']"),
        ("- id: SRV-404\n  reason: r\n- id: SRV-404\n  reason: s\n", "SRV-404 is listed twice"),
        ("id: SRV-404\n", "expected a list of entries"),
        ("- [unclosed\n", "not valid YAML or JSON at line 2"),
    ],
)
def test_a_malformed_baseline_is_refused_precisely(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "baseline.yaml"
    path.write_text(text)
    with pytest.raises(BaselineError) as excinfo:
        load_baseline(path)
    assert says in str(excinfo.value)
    assert str(path) in str(excinfo.value)


def test_a_bad_baseline_exits_2_from_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "baseline.yaml"
    path.write_text("- id: SRV-NOPE\n  reason: r\n")
    code, report, output = run_cli("--baseline", str(path), *FAST, tmp_path=tmp_path)
    assert code == 2
    assert "unknown requirement ID 'SRV-NOPE'" in output
    assert report == {}


def test_a_listed_failure_is_an_expected_failure_and_the_run_passes(
    wrong_type_server: str, tmp_path: Path
) -> None:
    path = tmp_path / "baseline.yaml"
    path.write_text("- id: SRV-200-TYPE\n  reason: upstream bug 123\n  expires: 2099-12-31\n")
    code, report, output = run_cli(
        "--base-url", wrong_type_server, "--baseline", str(path), *FAST, tmp_path=tmp_path
    )
    assert code == 0, output
    assert outcome(report, "SRV-200-TYPE") == "expected-failure"
    assert report["summary"]["expected_failures"] == 1 and report["summary"]["must_failed"] == 0
    assert "upstream bug 123" in json.dumps(report)


def test_an_entry_for_a_requirement_that_now_passes_fails_the_run(
    wrong_type_server: str, tmp_path: Path
) -> None:
    path = tmp_path / "baseline.yaml"
    path.write_text("- id: SRV-200-TYPE\n  reason: known\n- id: SRV-404\n  reason: was broken\n")
    code, report, output = run_cli(
        "--base-url", wrong_type_server, "--baseline", str(path), *FAST, tmp_path=tmp_path
    )
    assert code == 1, output
    assert outcome(report, "SRV-404") == "failed"
    assert "stale baseline: SRV-404 now passes; remove its entry from" in output
    assert report["summary"]["stale_baseline"] == 1


def test_an_expired_entry_counts_as_a_failure_again(wrong_type_server: str, tmp_path: Path) -> None:
    path = tmp_path / "baseline.yaml"
    path.write_text("- id: SRV-200-TYPE\n  reason: known\n  expires: 2020-01-01\n")
    code, report, output = run_cli(
        "--base-url", wrong_type_server, "--baseline", str(path), *FAST, tmp_path=tmp_path
    )
    assert code == 1, output
    assert outcome(report, "SRV-200-TYPE") == "failed"
    assert "baseline entry expired on 2020-01-01" in output


def test_write_baseline_records_the_current_failures(wrong_type_server: str, tmp_path: Path) -> None:
    path = tmp_path / "written.yaml"
    code, _, output = run_cli(
        "--base-url", wrong_type_server, "--write-baseline", str(path), *FAST, tmp_path=tmp_path
    )
    assert code == 1, output
    baseline = load_baseline(path)
    assert set(baseline.entries) == {"SRV-200-TYPE"}
    code, _, output = run_cli(
        "--base-url", wrong_type_server, "--baseline", str(path), *FAST, tmp_path=tmp_path
    )
    assert code == 0, output


def test_write_baseline_writes_a_loadable_file(tmp_path: Path) -> None:
    assert write_baseline(tmp_path / "b.yaml", ["SRV-404", "SRV-METHOD"], today=dt.date(2026, 11, 25)) == 2
    entries = load_baseline(tmp_path / "b.yaml").entries
    assert list(entries) == ["SRV-404", "SRV-METHOD"]
    assert "2026-11-25" in entries["SRV-404"].reason
