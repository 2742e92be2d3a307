"""``mock --replay``: recorded responses served over HTTP, matched on method and path; the recording of a
run (``server --record``) too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from models_conformance import SEED_EXAMPLE
from models_conformance.cassettes.replay import ReplayError, create_replay_app
from models_conformance.reference.server import ReferenceServer

from .recordings import DATA, error, interaction, write
from .test_cassettes_own import RUN


def test_recorded_responses_are_served_in_order_then_the_last_again(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.yaml",
        [
            interaction("/v1/models/claude-opus-4-6", 529, error("overloaded_error")),
            interaction("/v1/models/claude-opus-4-6?beta=true", 200, SEED_EXAMPLE),
            interaction("/v1/models/claude%2Dopus", 404, error("not_found_error")),
        ],
    )
    with (
        ReferenceServer(app=create_replay_app([path])) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        statuses = [client.get("/v1/models/claude-opus-4-6").status_code for _ in range(3)]
        assert statuses == [529, 200, 200]  # the query is not matched; a retry sees the next recording
        assert client.get("/v1/models/claude-opus-4-6").json() == SEED_EXAMPLE
        assert client.get("/v1/models/claude%2dopus").status_code == 404  # escapes compare case-insensitively
        miss = client.post("/v1/models/claude-opus-4-6")
    assert miss.status_code == 404 and miss.json()["error"]["type"] == "not_found_error"
    assert (
        "nothing recorded for POST /v1/models/claude-opus-4-6; recorded: GET /v1/models/claude-opus-4-6"
        in miss.text
    )


def test_gzip_and_ruby_recordings_are_served_decoded() -> None:
    app = create_replay_app([DATA / "ruby-vcr-gzip-base64.yml", DATA / "vcrpy-gzip-binary.yaml"])
    with ReferenceServer(app=app) as server:
        page = httpx.get(server.url + "/v1/models")
        model = httpx.get(server.url + "/v1/models/claude-opus-4-6")
    assert page.json()["data"][0] == SEED_EXAMPLE and "content-encoding" not in page.headers
    assert model.json() == SEED_EXAMPLE and model.headers["request-id"] == "req_gzip"


def test_the_recording_of_a_run_is_served_in_the_order_it_was_recorded() -> None:
    recorded = [
        i
        for i in yaml.safe_load(RUN.read_text())["interactions"]
        if i["request"]["method"] == "GET" and i["request"]["uri"].endswith("/v1/models/claude-opus-4-6")
    ]
    assert len(recorded) > 1
    with (
        ReferenceServer(app=create_replay_app([RUN.parent])) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        served = [client.get("/v1/models/claude-opus-4-6") for _ in recorded]
    assert [(r.status_code, r.text) for r in served] == [
        (i["response"]["status"]["code"], i["response"]["body"]["string"]) for i in recorded
    ]


def test_a_file_that_cannot_be_replayed_is_refused_with_its_reason() -> None:
    with pytest.raises(ReplayError, match=r"not-yaml.yaml: not YAML"):
        create_replay_app([DATA / "r-vcr-scalar-headers.yml", DATA / "not-yaml.yaml"])


def test_the_mock_command_refuses_a_missing_path_with_exit_2() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "models_conformance", "mock", "--port", "0", "--replay", "/nonexistent/c.yml"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "no such file or folder: /nonexistent/c.yml" in result.stderr and "Traceback" not in result.stderr
