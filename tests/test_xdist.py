"""Under pytest-xdist the suite gives the same verdicts as a serial run, with the same seed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from models_conformance.reference.app import create_app
from models_conformance.reference.server import ReferenceServer
from models_conformance.run import REFERENCE_KEY

from .broken_servers import FAULTS
from .test_broken_servers import run_cli

pytest.importorskip("xdist")


def verdicts(report: dict[str, Any]) -> dict[str, str]:
    return {r["id"]: r["outcome"] for r in report["results"]}


@pytest.fixture(scope="module")
def broken_two_ways() -> Iterator[str]:
    request_id = next(f for f in FAULTS if f.breaks == "SRV-REQUEST-ID")
    wrong_type = next(f for f in FAULTS if f.breaks == "SRV-200-TYPE")
    app = request_id.wrap(wrong_type.wrap(create_app(api_keys=[REFERENCE_KEY])))
    with ReferenceServer(app=app) as server:
        yield server.url


@pytest.mark.parametrize("target", ["reference", "broken"])
def test_two_workers_give_the_verdicts_of_one_process(
    target: str, broken_two_ways: str, tmp_path: Path
) -> None:
    args = ["--seed", "99", "--examples", "20"]
    if target == "broken":
        args += ["--base-url", broken_two_ways]
    serial_code, serial, _ = run_cli(*args, tmp_path=tmp_path / "serial")
    parallel_code, parallel, parallel_output = run_cli(*args, "--", "-n", "2", tmp_path=tmp_path / "parallel")
    assert "created: 2/2 workers" in parallel_output or "2 workers" in parallel_output, parallel_output
    assert verdicts(parallel) == verdicts(serial), parallel_output
    assert parallel_code == serial_code
    assert parallel["seed"] == serial["seed"] == 99
    assert parallel["requests_sent"] > 0
    if target == "broken":
        assert {k for k, v in verdicts(parallel).items() if v == "failed"} == {
            "SRV-REQUEST-ID",
            "SRV-200-TYPE",
        }


def test_the_client_suite_on_two_workers_gives_the_serial_verdicts(tmp_path: Path) -> None:
    from .test_client_broken import run_client_cli

    args = [
        "--python",
        "tests.broken_clients:HalfFilledModel",
        "--seed",
        "7",
        "--examples",
        "10",
        "--timeout",
        "2",
    ]
    serial_code, serial, _ = run_client_cli(*args, tmp_path=tmp_path / "serial")
    parallel_code, parallel, output = run_client_cli(*args, "--", "-n", "2", tmp_path=tmp_path / "parallel")
    assert "2 workers" in output, output
    assert verdicts(parallel) == verdicts(serial), output
    assert {k for k, v in verdicts(parallel).items() if v == "failed"} == {"CLI-MALFORMED"}
    assert parallel_code == serial_code == 0
    assert parallel["requests_sent"] == serial["requests_sent"] > 0
    assert parallel["target"] == serial["target"]
