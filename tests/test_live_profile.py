"""The live profile judges every MUST requirement within 60 requests, counted by the server itself."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from models_conformance import registry
from models_conformance.reference.app import MOCK_KEY as REFERENCE_KEY
from models_conformance.reference.app import create_app
from models_conformance.reference.server import ReferenceServer

from .test_broken_servers import PROFILE_ARGS, run_cli

ALIASES = ["--alias", "claude-opus-4-5", "--alias", "claude-haiku-4-5", "--alias", "claude-opus-4-1"]


class CountingServer:
    """The reference server, counting every HTTP request that reaches it."""

    def __init__(self) -> None:
        self.requests = 0
        app = create_app(api_keys=[REFERENCE_KEY])

        async def counted(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                self.requests += 1
            await app(scope, receive, send)

        self.server = ReferenceServer(app=counted)


@pytest.fixture
def counting() -> Iterator[CountingServer]:
    counting = CountingServer()
    with counting.server:
        yield counting


@pytest.mark.parametrize(
    ("contract", "seed"), list(itertools.product(["2023-06-01", "2026-10-21"], [1, 2, 3]))
)
def test_every_must_is_judged_within_60_requests(
    counting: CountingServer, contract: str, seed: int, tmp_path: Path
) -> None:
    args = ["--base-url", counting.server.url, "--contract", contract, "--seed", str(seed), *ALIASES]
    code, report, output = run_cli(*args, *PROFILE_ARGS["live"], tmp_path=tmp_path)
    assert code == 0, output
    assert counting.requests <= 60, output
    assert report["requests_sent"] == counting.requests
    outcomes = {result["id"]: result["outcome"] for result in report["results"]}
    musts = [r.id for r in registry.requirements("server") if r.level == "MUST" and r.applies_to(contract)]
    assert {rid: outcomes[rid] for rid in musts} == dict.fromkeys(musts, "passed"), output
    # The generated ids get what the fixed probes left: the budget is used, not wasted.
    assert counting.requests >= 55, output
    assert "sampled by the seed (live profile)" in output


def test_the_live_profile_shows_how_many_answers_judged_each_requirement(tmp_path: Path) -> None:
    code, report, output = run_cli(*PROFILE_ARGS["live"], "--seed", "5", tmp_path=tmp_path)
    assert code == 0, output
    judged = {result["id"]: result["judged"] for result in report["results"]}
    # One answer serves many requirements: every answer of the target is judged for its content type.
    assert judged["SRV-200-CONTENT-TYPE"] >= report["requests_sent"] - 5
    assert judged["SRV-LONG-ID"] >= 2 and judged["SRV-AUTH-INVALID"] >= 3
    header = next(line for line in output.splitlines() if line.startswith("requirement "))
    assert "judged" in header
    assert f"requests sent: {report['requests_sent']} of a budget of 60" in output
