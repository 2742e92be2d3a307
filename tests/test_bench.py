"""The benchmark's own logic: what it reads from reports and callgrind, and the runs it compares.

No duration is asserted here: the bench reports numbers, these tests check that it measures what it says.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from models_conformance import registry
from models_conformance.suite.test_generated import FIXED_IDS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from _callgrind import parse_annotate  # noqa: E402
from _profiles import coverage  # noqa: E402
from _suite import suite_property_phase  # noqa: E402


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


ANNOTATE = """\
--------------------------------------------------------------------------------
2,402,489,835 (100.0%)  PROGRAM TOTALS
--------------------------------------------------------------------------------
1,043,760,105 (42.44%)  ???:zone_send [/tmp/x/conformance_bench_cgz.cpython-311-x86_64-linux-gnu.so]
  900,000,000 (37.00%)  ???:zone_send'2 [/tmp/x/conformance_bench_cgz.cpython-311-x86_64-linux-gnu.so]
  719,151,015 (29.24%)  ???:zone_httpx [/tmp/x/conformance_bench_cgz.cpython-311-x86_64-linux-gnu.so]
  124,147,334 ( 5.05%)  ???:zone_judging [/tmp/x/conformance_bench_cgz.cpython-311-x86_64-linux-gnu.so]
   62,315,529 ( 2.53%)  /b/Python-3.11.7/Modules/gcmodule.c:gc_collect_main [/lib/libpython3.11.so.1.0]
    2,274,294 ( 0.09%)  /b/Python-3.11.7/./Include/object.h:gc_collect_main
"""


def test_callgrind_counts_are_each_zones_outermost_inclusive_cost() -> None:
    assert parse_annotate(ANNOTATE) == {
        "total": 2_402_489_835,
        "send": 1_043_760_105,
        "httpx": 719_151_015,
        "judging": 124_147_334,
        "gc": 62_315_529,
    }


def test_the_bench_refuses_an_unknown_measurement_and_names_the_known_ones() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--only", "property,speed"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "property,speed" in done.stderr
    assert "property, callgrind, load, validation, cli, profiles" in done.stderr


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    from models_conformance.reference.server import spawn

    with spawn() as server:
        yield server.url


def test_the_run_answered_from_memory_draws_the_suites_examples(server_url: str, tmp_path: Path) -> None:
    suite = suite_property_phase(server_url, 12, tmp_path, "suite")
    offline = suite_property_phase(server_url, 12, tmp_path, "offline", "offline")
    # The fixed ids (a non-ASCII one and a ladder of lengths) come before the generated ones.
    assert suite["examples"] == offline["examples"] == 12 + len(FIXED_IDS)
    assert [t for _, t, _ in offline["requests"]] == [t for _, t, _ in suite["requests"]]
    assert offline["zones"] == {}


def test_the_zones_run_times_the_request_the_httpx_calls_and_the_judging(
    server_url: str, tmp_path: Path
) -> None:
    zones = suite_property_phase(server_url, 12, tmp_path, "zones", "zones")
    assert zones["examples"] == 12 + len(FIXED_IDS)
    assert {"send", "httpx", "judging"} <= set(zones["zones"])
    # The zones nest: httpx and the judging happen inside Target.send.
    assert zones["zones"]["send"] > zones["zones"]["httpx"] + zones["zones"]["judging"]
