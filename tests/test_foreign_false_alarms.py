"""Defects of the suite found by judging foreign servers (docs/foreign-verdicts.md), reproduced on
small stand-alone doubles, and fixed: a mock that answers every id with a made-up model (Prism) is not
blamed for its path handling; a reproduction under a base path names the request sent; a redirect is
not judged as a JSON response."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from models_conformance.reference.app import MOCK_KEY, create_app
from models_conformance.reference.server import ReferenceServer

from ._cli import run_command
from .foreign_doubles import App, dynamic_mock, mounted, redirecting_slash, static_mock

SUITE_ARGS = ["--examples", "20", "--seed", "20261202", "--timeout", "5"]


def outcomes(report: dict[str, Any]) -> dict[str, str]:
    return {result["id"]: result["outcome"] for result in report["results"]}


@pytest.fixture
def served(request: pytest.FixtureRequest) -> Iterator[str]:
    app: App = request.param()
    with ReferenceServer(app=app) as server:
        yield server.url


@pytest.mark.parametrize("served", [static_mock, dynamic_mock], ids=["static", "dynamic"], indirect=True)
def test_a_mock_that_answers_every_id_keeps_percent_encoded_slashes_in_the_id(
    served: str, tmp_path: Path
) -> None:
    _, report, output = run_command(
        "server",
        "--base-url",
        served,
        *SUITE_ARGS,
        tmp_path=tmp_path,
        env={"ANTHROPIC_API_KEY": "double-key"},
    )
    assert report, output
    # The double's one fault is caught where it belongs...
    assert outcomes(report)["SRV-404"] == "failed", output
    # ... and its path handling, which routes `%2F` inside the id as Prism does, is not blamed.
    assert outcomes(report)["SRV-PATH-ENCODING"] == "passed", output


def test_a_reproduction_under_a_base_path_names_the_request_sent(tmp_path: Path) -> None:
    app = mounted(create_app(api_keys=[MOCK_KEY], permissive=True), "/gw")
    with ReferenceServer(app=app) as server:
        _, report, output = run_command(
            "server",
            "--base-url",
            server.url + "/gw",
            *SUITE_ARGS,
            tmp_path=tmp_path,
            env={"ANTHROPIC_API_KEY": MOCK_KEY},
        )
    assert report, output
    # The permissive server's one fault, found through the prefix: the suite did reach /gw/v1/...
    assert outcomes(report)["SRV-404"] == "failed", output
    result = next(r for r in report["results"] if r["id"] == "SRV-404")
    assert f"{server.url}/gw/v1/models/" in result["reproduction"], result
    assert "/gw/gw/" not in json.dumps(report)


def test_a_redirect_without_a_body_is_not_a_json_response(tmp_path: Path) -> None:
    app = redirecting_slash(create_app(api_keys=[MOCK_KEY]))
    with ReferenceServer(app=app) as server:
        _, report, output = run_command(
            "server",
            "--base-url",
            server.url,
            *SUITE_ARGS,
            tmp_path=tmp_path,
            env={"ANTHROPIC_API_KEY": MOCK_KEY},
        )
    assert report, output
    # The redirect to the list is caught where it belongs...
    assert outcomes(report)["SRV-PATH-ENCODING"] == "failed", output
    # ... and not as a JSON body with the wrong media type.
    assert outcomes(report)["SRV-200-CONTENT-TYPE"] == "passed", output
