"""The project's own cassettes (``cassettes/``): made by code against the reference server, kept in
sync with it, passing ``cassettes check``, and replaying to the verdicts they were recorded with.

To write them again after the reference server or the suite changed::

    CONFORMANCE_UPDATE_CASSETTES=1 pytest tests/test_cassettes_own.py
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from vcr.request import Request as VcrRequest
from vcr.serialize import serialize
from vcr.serializers import yamlserializer

from models_conformance import SEED_EXAMPLE
from models_conformance.cassettes import check
from models_conformance.cassettes.cli import cassette_files
from models_conformance.cassettes.suite import RUN_FILE

from .test_cassettes_suite import record, run_suite, verdicts

CASSETTES = Path(__file__).parents[1] / "cassettes"
REFERENCE = CASSETTES / "reference"
SEED = CASSETTES / "seed-example.yaml"
UPDATE = "CONFORMANCE_UPDATE_CASSETTES"
_REQUEST_ID = re.compile(r"req_[A-Za-z0-9]+")


def write_seed_example(path: Path) -> None:
    """The seed's example exchange: the SDK's retrieve call and the 200 the seed shows.

    The seed shows the body only; the headers are those the API overview says every response has,
    with a request id that says where it comes from.
    """
    request = VcrRequest(
        "GET",
        "https://api.anthropic.com/v1/models/claude-opus-4-6?beta=true",
        b"",
        {"accept": "application/json", "anthropic-version": "2023-06-01", "x-api-key": "[REDACTED]"},
    )
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"content-type": ["application/json"], "request-id": ["req_seed_example"]},
        "body": {"string": json.dumps(SEED_EXAMPLE)},
    }
    path.write_text(
        serialize({"requests": [request], "responses": [response]}, yamlserializer), encoding="utf-8"
    )


def _interaction(interaction: dict[str, Any]) -> dict[str, Any]:
    """What does not change between two recordings: no host, port, date or request id."""
    request, response = interaction["request"], interaction["response"]
    uri = urlsplit(request["uri"])
    body = response["body"]["string"]
    volatile = {"date", "content-length", "request-id"}
    return {
        "request": {
            "method": request["method"],
            "target": uri.path + (f"?{uri.query}" if uri.query else ""),
            "headers": {k: v for k, v in request["headers"].items() if k != "host"},
            "body": request["body"],
        },
        "response": {
            "status": response["status"],
            "headers": {k: v for k, v in response["headers"].items() if k not in volatile},
            "body": _REQUEST_ID.sub("req_", body if isinstance(body, str) else body.decode()),
        },
    }


def normalized(directory: Path) -> dict[str, Any]:
    contents: dict[str, Any] = {}
    for path in sorted(directory.glob("*")):
        if path.suffix == ".yaml":
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            contents[path.name] = [_interaction(interaction) for interaction in data["interactions"]]
        elif path.name == RUN_FILE:
            contents[path.name] = {k: v for k, v in json.loads(path.read_text()).items() if k != "base_url"}
    return contents


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The project's cassettes as the reference server answers today."""
    tmp = tmp_path_factory.mktemp("own")
    code, report, output = record(tmp, tmp / "reference")
    assert code == 0, output
    write_seed_example(tmp / SEED.name)
    if os.environ.get(UPDATE):
        shutil.rmtree(REFERENCE, ignore_errors=True)
        shutil.copytree(tmp / "reference", REFERENCE)
        shutil.copy(tmp / SEED.name, SEED)
    return tmp, report


def test_the_projects_cassettes_are_what_the_reference_server_answers_today(
    fresh: tuple[Path, dict[str, Any]],
) -> None:
    tmp, _ = fresh
    hint = f"the reference server or the suite changed: record them again with {UPDATE}=1 pytest {__file__}"
    assert normalized(REFERENCE) == normalized(tmp / "reference"), hint
    assert SEED.read_text() == (tmp / SEED.name).read_text(), hint


def test_the_projects_cassettes_pass_cassettes_check() -> None:
    files, problems = cassette_files([str(CASSETTES)])
    assert not problems and len(files) > 10
    run = check(files)
    assert not run.unreadable and run.results.summary()["must_failed"] == 0
    outcomes = {r.requirement.id: r.outcome for r in run.results.by_requirement()}
    assert outcomes["CAS-NO-SECRETS"] == outcomes["SRV-200-SCHEMA"] == outcomes["SRV-404"] == "passed"
    # The seed's exchange is sent as an SDK would: its request is judged as client traffic too.
    assert outcomes["CLI-VERSION"] == outcomes["CLI-AUTH"] == outcomes["CLI-PATH"] == "passed"
    assert not [r for r in run.results.by_requirement() if r.outcome == "failed"]


def test_the_projects_cassettes_replay_to_the_verdicts_recorded_today(
    tmp_path: Path, fresh: tuple[Path, dict[str, Any]]
) -> None:
    _, recorded = fresh
    code, replayed, output = run_suite(tmp_path, f"--conformance-cassettes={REFERENCE}", "--block-network")
    assert code == 0, output
    assert verdicts(replayed) == verdicts(recorded)
