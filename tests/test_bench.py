"""The benchmark's own logic: what it reads from reports and its runs, and the requests it compares.

No duration is asserted here: the bench reports numbers, these tests check that it measures what it says.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from models_conformance import registry
from models_conformance.contract import encode_segment
from models_conformance.server.ids import banded_ids

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from _common import KEY, SEED, Unavailable  # noqa: E402
from _plugin import package_import_us  # noqa: E402
from _property import raw_httpx_loop, suite_phase  # noqa: E402
from _report import figures, with_figures  # noqa: E402
from _results import within  # noqa: E402
from _runs import cli_run, coverage  # noqa: E402


def server_musts(contract: str) -> list[str]:
    return [r.id for r in registry.requirements("server") if r.level == "MUST" and r.applies_to(contract)]


def report(contract: str, outcomes: dict[str, str]) -> dict[str, Any]:
    results = [
        {"id": rid, "outcome": outcomes.get(rid, "passed"), "message": ""} for rid in server_musts(contract)
    ]
    if "SRV-LIFECYCLE" not in server_musts(contract):
        results.append({"id": "SRV-LIFECYCLE", "outcome": "skipped", "message": "applies to 2026-10-21"})
    return {"contract": contract, "requests_sent": 42, "max_requests": 150, "results": results, "summary": {}}


def test_coverage_counts_passed_and_failed_musts_of_the_contract_and_no_skipped_one() -> None:
    row = coverage(report("2023-06-01", {"SRV-404": "skipped", "SRV-ALIAS": "failed"}))
    assert row["must_applying"] == len(server_musts("2023-06-01"))
    assert "SRV-LIFECYCLE" not in server_musts("2023-06-01")  # a MUST of the other contract does not apply
    assert row["must_judged"] == row["must_applying"] - 1
    assert list(row["not_judged"]) == ["SRV-404"]
    assert row["requests_sent"] == 42


def test_a_must_missing_from_the_report_is_not_judged() -> None:
    data = report("2026-10-21", {})
    data["results"] = [r for r in data["results"] if r["id"] != "SRV-NO-5XX"]
    row = coverage(data)
    assert row["not_judged"]["SRV-NO-5XX"] == "absent"
    assert row["must_judged"] == len(server_musts("2026-10-21")) - 1


def test_a_run_that_writes_no_report_makes_its_command_unavailable(tmp_path: Path) -> None:
    with pytest.raises(Unavailable, match="exited 2 without a report"):
        cli_run(["server", "--contract", "1999-01-01"], tmp_path / "report.json", tmp_path)


IMPORTTIME = """\
import time: self [us] | cumulative | imported package
import time:      4268 |     121027 | pytest
import time:       226 |        226 |   models_conformance
import time:      3619 |       5806 |   models_conformance.settings
import time:       515 |        515 |     models_conformance_extras
import time:       736 |       6839 | models_conformance.plugin
"""


def test_the_packages_import_time_is_the_self_time_of_its_modules_wherever_they_nest() -> None:
    assert package_import_us(IMPORTTIME) == 226 + 3619 + 736


def test_the_performance_page_shows_the_figures_of_the_last_results() -> None:
    page = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    results = (ROOT / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")
    assert with_figures(page, results) == page, "run `nox -s bench`: it writes both files"
    assert "| default `models-conformance server` run < 5 s wall |" in figures(results)


def test_a_page_without_the_markers_is_refused_rather_than_left_stale() -> None:
    with pytest.raises(ValueError, match="lacks the markers"):
        with_figures("# Performance\n", (ROOT / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8"))


def test_a_noisy_difference_is_judged_only_when_its_interval_lies_on_one_side_of_the_target() -> None:
    assert within((4.0, 12.0), 30.0) == "met"
    assert within((31.0, 90.0), 30.0) == "**missed**"
    assert within((-120.0, 228.0), 30.0).startswith("undecided")


def test_the_bench_refuses_an_unknown_measurement_and_names_the_known_ones() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--only", "property,speed"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "property,speed" in done.stderr
    assert "property, profiles, plugin, load, validation, cli" in done.stderr


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    from models_conformance.reference.server import spawn

    with spawn(["--api-key", KEY]) as server:
        yield server.url


def test_the_phase_is_the_banded_ids_then_the_generated_ones_and_the_floor_replays_them(
    server_url: str, tmp_path: Path
) -> None:
    phase = suite_phase(server_url, 12, tmp_path, "test")
    banded = [f"/v1/models/{encode_segment(model_id)}" for model_id, _ in banded_ids(SEED)]
    # The phase's requests and no others (discovery and the plan are not timed): the banded ids first.
    assert phase["examples"] == len(banded) + 12
    assert [target for _, target, _ in phase["requests"][: len(banded)]] == banded
    assert ["x-api-key", KEY] in phase["requests"][0][2]
    raw = raw_httpx_loop(server_url, phase["requests"])
    assert raw["examples"] == phase["examples"]
    assert raw["statuses"] == Counter(phase["statuses"])
