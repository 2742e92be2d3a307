"""The scenario server plays a script per base URL and records every request as it arrived."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from models_conformance.client.scenario import ScenarioServer
from models_conformance.client.script import Hang, Script, error_reply, model_reply


@pytest.fixture(scope="module")
def server() -> Iterator[ScenarioServer]:
    with ScenarioServer() as scenario_server:
        yield scenario_server


def test_requests_are_recorded_raw_with_their_arrival_time(server: ScenarioServer) -> None:
    with server.play(Script.of(model_reply({"id": "x"}))) as live:
        before = time.monotonic()
        response = httpx.request(
            "GET",
            live.base_url + "/v1/models/a%2Fb%20c?beta=true",
            headers={"anthropic-beta": "a,b"},
            content=b"{}",
        )
    assert response.status_code == 200 and response.json() == {"id": "x"}
    (received,) = live.requests
    assert live.path(received) == "/v1/models/a%2Fb%20c"
    assert received.query == "beta=true"
    assert received.header("anthropic-beta") == "a,b"
    assert received.body == b"{}"
    assert before <= received.arrived <= (received.replied or 0)


def test_steps_answer_in_order_and_the_last_one_repeats(server: ScenarioServer) -> None:
    script = Script.of(error_reply(429, headers={"retry-after-ms": "5"}), model_reply({"id": "x"}))
    with server.play(script) as live, httpx.Client() as client:
        statuses = [client.get(live.base_url + "/v1/models/x").status_code for _ in range(3)]
    assert statuses == [429, 200, 200]


def test_an_error_reply_is_the_envelope_with_the_request_id_of_its_header(server: ScenarioServer) -> None:
    with server.play(Script.of(error_reply(529))) as live:
        response = httpx.get(live.base_url + "/v1/models/x")
    body = response.json()
    assert response.status_code == 529
    assert body["type"] == "error" and body["error"]["type"] == "overloaded_error"
    assert body["request_id"] == response.headers["request-id"]
    assert "x-should-retry" not in response.headers  # a call that wants one says so


def test_an_error_reply_may_carry_a_type_its_status_does_not_imply(server: ScenarioServer) -> None:
    with server.play(Script.of(error_reply(404, "m", error_type="invalid_request_error"))) as live:
        response = httpx.get(live.base_url + "/v1/models/x")
    assert response.status_code == 404 and response.json()["error"]["type"] == "invalid_request_error"


def test_a_request_under_no_live_base_url_is_a_stray_404(server: ScenarioServer) -> None:
    strays = len(server.stray)
    response = httpx.get(server.url + "/v1/models/x")
    assert response.status_code == 404
    assert [r.raw_path for r in server.stray[strays:]] == ["/v1/models/x"]


def test_a_hung_answer_is_let_go_when_its_call_is_over(server: ScenarioServer) -> None:
    with pytest.raises(httpx.ReadTimeout), server.play(Script.of(Hang())) as live:
        httpx.get(live.base_url + "/v1/models/x", timeout=0.2)
    # A client with no timeout of its own gets an answer once the check ends.
    answers: list[int] = []
    with server.play(Script.of(Hang())) as live:
        waiting = threading.Thread(
            target=lambda: answers.append(httpx.get(live.base_url + "/v1/models/x").status_code)
        )
        waiting.start()
        # The call ends only once the request is in (a loaded machine may take a while to send it).
        deadline = time.monotonic() + 10
        while not live.requests and time.monotonic() < deadline:
            time.sleep(0.01)
    waiting.join(timeout=5)
    assert answers == [504]


def test_a_body_is_sent_as_the_script_says(server: ScenarioServer) -> None:
    body = {"id": "ü", "display_name": "😀"}
    with server.play(Script.of(model_reply(body))) as live:
        response = httpx.get(live.base_url + "/v1/models/x")
    assert json.loads(response.content) == body
    assert response.headers["content-type"] == "application/json"
