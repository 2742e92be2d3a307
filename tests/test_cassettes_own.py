"""The project's own cassettes (``cassettes/``): made by code against the reference server, kept in
sync with it, passing ``cassettes check``, and giving the verdicts of the run that recorded them.

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

import yaml
from vcr.request import Request as VcrRequest
from vcr.serialize import serialize
from vcr.serializers import yamlserializer

from models_conformance import SEED_EXAMPLE
from models_conformance.exchange import Request
from models_conformance.limits import Limits
from models_conformance.reference.app import create_app
from models_conformance.reference.keys import MOCK_KEY
from models_conformance.reference.server import ReferenceServer
from models_conformance.secret import REDACTED
from models_conformance.server.target import PROBE_KEY
from models_conformance.transport import Transport

from ._cli import run_command
from .recordings import check

CASSETTES = Path(__file__).parents[1] / "cassettes"
RUN = CASSETTES / "reference" / "run.yaml"
SEED = CASSETTES / "seed-example.yaml"
UPDATE = "CONFORMANCE_UPDATE_CASSETTES"
# The default run with a fixed seed, and fewer generated ids than its 100 per property: the fixed
# probes alone (ids of 10,000 characters among them) make up most of the file's ~300 KB.
RECORD_ARGS = ("--seed", "1", "--examples", "20")
_REQUEST_ID = re.compile(r"req_[A-Za-z0-9]+")
# What differs from one recording to the next: the embedded server's port, when, and its request ids.
_VOLATILE_HEADERS = frozenset({"date", "content-length", "request-id"})


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
    """What does not change between two recordings of the same run."""
    request, response = interaction["request"], interaction["response"]
    uri = urlsplit(request["uri"])
    body = response["body"]["string"]
    return {
        "request": {
            "method": request["method"],
            "target": uri.path + (f"?{uri.query}" if uri.query else ""),
            "headers": request["headers"],
            "body": request["body"],
        },
        "response": {
            "status": response["status"],
            "headers": {k: v for k, v in response["headers"].items() if k not in _VOLATILE_HEADERS},
            "body": _REQUEST_ID.sub("req_", body if isinstance(body, str) else body.decode()),
        },
        "conformance": {k: v for k, v in interaction["conformance"].items() if k != "session"},
    }


def normalized(path: Path) -> list[dict[str, Any]]:
    return [_interaction(i) for i in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]]


def test_the_projects_cassettes_are_what_the_reference_server_answers_today(tmp_path: Path) -> None:
    """Each recorded request sent again to the reference server gets the answer recorded.

    Replayed request by request, not run again: the ids hypothesis generates follow the suite's own
    code, so a new run of the same seed asks for other ids after any change to the package.
    """
    if os.environ.get(UPDATE):
        code, _, output = run_command(
            "server", *RECORD_ARGS, "--record", str(tmp_path / "run.yaml"), tmp_path=tmp_path
        )
        assert code == 0, output
        write_seed_example(tmp_path / SEED.name)
        shutil.rmtree(RUN.parent, ignore_errors=True)
        RUN.parent.mkdir()
        shutil.copy(tmp_path / "run.yaml", RUN)
        shutil.copy(tmp_path / SEED.name, SEED)
    hint = f"the reference server changed: record them again with {UPDATE}=1 pytest {__file__}"
    assert sorted(p.name for p in RUN.parent.iterdir()) == [RUN.name], hint
    recorded = normalized(RUN)
    with (
        ReferenceServer(app=create_app(api_keys=[MOCK_KEY])) as server,
        Transport(Limits(), user_agent="t") as http,
    ):
        for interaction in recorded:
            request = interaction["request"]
            # The recording redacts every key; the probe's label says which one was sent.
            key = PROBE_KEY if interaction["conformance"]["probe"].get("key") == "wrong" else MOCK_KEY
            headers = [
                (name, value.replace(REDACTED, key))
                for name, values in request["headers"].items()
                for value in values
            ]
            answer = http.send(Request.make(request["method"], server.url, request["target"], headers))
            again = {
                "status": {"code": answer.status, "message": ""},
                "headers": {k: [v] for k, v in answer.headers if k not in _VOLATILE_HEADERS},
                "body": _REQUEST_ID.sub("req_", answer.body.decode()),
            }
            assert again == interaction["response"], f"{hint}: {request['method']} {request['target'][:120]}"
    write_seed_example(tmp_path / SEED.name)
    assert SEED.read_text() == (tmp_path / SEED.name).read_text(), hint


def test_the_projects_cassettes_pass_cassettes_check() -> None:
    checked = check(CASSETTES)
    assert [Path(s.path).name for s in checked.files] == ["run.yaml", "seed-example.yaml"]
    assert not checked.unreadable and not checked.failed
    outcomes = checked.outcomes
    assert outcomes["CAS-NO-SECRETS"] == outcomes["SRV-200-SCHEMA"] == outcomes["SRV-404"] == "passed"


def test_the_seed_example_is_judged_as_client_traffic_too() -> None:
    # The seed's exchange is sent as an SDK would: its request is judged under the client's rules.
    outcomes = check(SEED).outcomes
    assert outcomes["CLI-VERSION"] == outcomes["CLI-AUTH"] == outcomes["CLI-PATH"] == "passed"


def test_a_recording_of_the_suites_own_run_says_why_no_client_rule_applies() -> None:
    results = [r for r in check(RUN).report["results"] if r["id"].startswith("CLI-")]
    assert results and {r["outcome"] for r in results} == {"skipped"}
    assert {r["message"] for r in results} == {
        "every request here is this suite's own (its probes): no client's request to judge"
    }
