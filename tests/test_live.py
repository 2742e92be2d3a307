"""Safe live runs: a request budget, a rate limit, and throttling honoured and reported apart."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from typing import Any

import pytest

from models_conformance.exchange import Probe, Response
from models_conformance.reference.app import MOCK_KEY as REFERENCE_KEY
from models_conformance.reference.app import create_app
from models_conformance.reference.server import ReferenceServer
from models_conformance.secret import Secret
from models_conformance.server.target import Target, retry_delay

from .test_broken_servers import run_cli


def throttling(every: int | None, retry_after: dict[str, str]) -> Any:
    """The reference server answering 429 to every ``every``-th request (None: to all of them)."""
    app = create_app(api_keys=[REFERENCE_KEY])
    counter = itertools.count(1)

    async def throttled(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and (every is None or next(counter) % every == 0):
            body = (
                b'{"type":"error","error":{"type":"rate_limit_error","message":"slow"},"request_id":"req_t"}'
            )
            headers = [(b"content-type", b"application/json"), (b"request-id", b"req_t")]
            headers += [(k.encode(), v.encode()) for k, v in retry_after.items()]
            await send({"type": "http.response.start", "status": 429, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return throttled


@pytest.fixture
def sometimes_throttled() -> Iterator[str]:
    with ReferenceServer(app=throttling(4, {"retry-after-ms": "20"})) as server:
        yield server.url


@pytest.fixture
def always_throttled() -> Iterator[str]:
    with ReferenceServer(app=throttling(None, {"retry-after": "1"})) as server:
        yield server.url


def test_throttled_answers_are_waited_out_and_reported_apart(sometimes_throttled: str, tmp_path: Any) -> None:
    code, report, output = run_cli(
        "--base-url",
        sometimes_throttled,
        "--examples",
        "10",
        "--seed",
        "1",
        "--alias",
        "claude-opus-4-5",
        tmp_path=tmp_path,
    )
    assert code == 0, output
    assert report["summary"]["failed"] == 0
    assert report["throttling"]["answers"] > 5
    assert "the target throttled" in output


def test_a_target_that_throttles_forever_stops_the_run_at_the_wait_bound(
    always_throttled: str, tmp_path: Any
) -> None:
    started = time.monotonic()
    code, _, output = run_cli("--base-url", always_throttled, "--max-throttle-wait", "2", tmp_path=tmp_path)
    assert time.monotonic() - started < 30
    assert code == 3, output
    assert "target throttled: HTTP 429" in output and "beyond the run's bound" in output


def test_the_run_stays_within_its_request_budget_and_says_so(tmp_path: Any) -> None:
    code, report, output = run_cli(
        "--max-requests", "40", "--examples", "50", "--seed", "2", tmp_path=tmp_path
    )
    assert report["requests_sent"] <= 40, output
    assert report["max_requests"] == 40
    skipped = [r for r in report["results"] if r["outcome"] == "skipped" and "request budget" in r["message"]]
    assert skipped, output
    assert "of a budget of 40" in output
    assert code in (0, 1)
    assert report["summary"]["failed"] == 0


def test_the_live_profile_sets_a_budget_of_60_and_a_rate(tmp_path: Any) -> None:
    started = time.monotonic()
    code, report, output = run_cli("--profile", "live", "--rate", "200", "--seed", "4", tmp_path=tmp_path)
    assert code == 0, output
    assert report["profile"] == "live" and report["max_requests"] == 60
    assert report["requests_sent"] <= 60
    assert time.monotonic() - started < 60


def test_the_rate_limit_spaces_requests() -> None:
    # A lower bound only: pacing may never be faster than asked; slowness of the machine cannot break it.
    with ReferenceServer(api_keys=[REFERENCE_KEY]) as server:
        target = Target(server.url, Secret(REFERENCE_KEY), rate=20.0)
        started = time.monotonic()
        for _ in range(5):
            target.get("/v1/models", Probe(key="valid"))
        elapsed = time.monotonic() - started
        target.close()
    assert elapsed >= 4 / 20.0


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after": "2"}, 2.0),
        ({}, 1.0),
        ({"retry-after": "soon"}, 1.0),
    ],
)
def test_retry_delays_follow_the_answer(headers: dict[str, str], seconds: float) -> None:
    assert retry_delay(Response.make(429, headers), attempt=1) == pytest.approx(seconds)


def test_credentials_never_appear_in_a_live_run_report(tmp_path: Any) -> None:
    secret = "sk-ant-" + "api03-" + "x" * 40
    with ReferenceServer(api_keys=[secret]) as server:
        code, _, output = run_cli(
            "--base-url",
            server.url,
            "--api-key",
            secret,
            "--examples",
            "5",
            "--report-html",
            str(tmp_path / "r.html"),
            tmp_path=tmp_path,
        )
    assert code == 0, output
    assert secret not in output
    assert secret not in (tmp_path / "report.json").read_text()
