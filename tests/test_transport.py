"""The transport against servers that attack it: each attack ends within its bound, with its reason."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from models_conformance.exchange import NOT_JSON, Request, Response
from models_conformance.limits import Limits
from models_conformance.reference.app import create_app
from models_conformance.reference.server import ReferenceServer
from models_conformance.secret import register_secret
from models_conformance.transport import KEPT_ON_PROBLEM, Transport, Unreachable

from .hostile_servers import HostileServer

KEY = "sk-ant-SENTINEL-transport-0123456789abcdef"
register_secret(KEY)
HEADERS = {"x-api-key": KEY, "anthropic-version": "2023-06-01"}
TIMEOUT = 1.0


def send(url: str, limits: Limits | None = None, headers: dict[str, str] = HEADERS) -> tuple[Response, float]:
    with Transport(limits or Limits(timeout_s=TIMEOUT), user_agent="test") as transport:
        started = time.monotonic()
        response = transport.send(Request.make("GET", url, "/v1/models/claude-x", headers))
        return response, time.monotonic() - started


def served(mode: str, **options: str) -> tuple[Response, float]:
    with HostileServer(mode, **options) as server:
        return send(server.url)


def assert_unusable(response: Response, problem: str) -> None:
    assert response.problem is not None and problem in response.problem, response.problem
    assert isinstance(response.json, NOT_JSON) and response.json.reason == response.problem
    assert len(response.body) <= KEPT_ON_PROBLEM
    assert KEY not in repr(response)


@pytest.mark.parametrize(
    ("mode", "problem"),
    [
        ("endless-gzip", "exceeds the 4 MiB limit (--max-body) once decoded (gzip); "),
        ("endless-chunked", "exceeds the 4 MiB limit (--max-body); "),
        ("huge-content-length", "exceeds the 4 MiB limit (--max-body); "),
        ("brotli-bomb", "exceeds the 4 MiB limit (--max-body) once decoded (br); "),
        ("zstd-bomb", "exceeds the 4 MiB limit (--max-body) once decoded (zstd); "),
        ("huge-string", "exceeds the 4 MiB limit (--max-body); "),
    ],
)
def test_a_body_past_the_limit_is_cut_there(mode: str, problem: str) -> None:
    response, took = served(mode)
    assert response.status == 200
    assert_unusable(response, "the body " + problem)
    assert took < TIMEOUT


def test_the_body_limit_is_a_setting() -> None:
    with HostileServer("endless-chunked") as server:
        response, _ = send(server.url, Limits(timeout_s=TIMEOUT, max_body_bytes=100_000))
    assert_unusable(response, "the body exceeds the 100,000 bytes limit (--max-body)")


def test_headers_without_end_stop_at_their_limit() -> None:
    response, took = served("headers-forever")
    assert response.status == 0
    assert_unusable(response, "the status line and headers exceed the 64 KiB limit (--max-header-bytes)")
    assert took < TIMEOUT


def test_too_many_headers() -> None:
    response, _ = served("many-headers")
    assert response.status == 200
    assert_unusable(response, "the answer has 1,003 headers, over the 100 allowed (--max-headers)")
    assert len(response.headers) == 100


@pytest.mark.parametrize("timeout", [0.3, 1.2])
def test_a_byte_a_second_ends_at_the_deadline_of_the_whole_request(timeout: float) -> None:
    with HostileServer("one-byte-a-second") as server:
        response, took = send(server.url, Limits(timeout_s=timeout))
    assert response.status == 0
    assert_unusable(response, f"no complete answer within {timeout:g} s (the deadline of one request)")
    assert timeout <= took < timeout + 0.5


def test_garbage_is_quoted_without_the_key_it_echoes() -> None:
    response, _ = served("garbage")
    assert response.status == 0
    assert_unusable(response, "not HTTP: the server sent b'[REDACTED] SSH-2.0-OpenSSH_9.6 not HTTP")


def test_a_reset_mid_body_is_named() -> None:
    response, _ = served("reset-mid-body")
    assert response.status == 200
    assert_unusable(response, "the connection was reset after 1,234 bytes of the body")


def test_json_no_parser_takes_is_not_json_not_a_crash() -> None:
    deep, _ = served("deep-json")
    assert deep.problem is None and isinstance(deep.json, NOT_JSON)
    assert deep.json.reason == "it is nested deeper than a JSON parser follows"
    number, _ = served("long-number")
    assert isinstance(number.json, NOT_JSON) and "a number in it is too long to read" in number.json.reason


@pytest.fixture
def elsewhere() -> Iterator[HostileServer]:
    with HostileServer("garbage") as server:
        yield server


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        (HEADERS, "the request carried credentials"),
        ({"authorization": f"Bearer {KEY}"}, "the request carried credentials"),
        ({"anthropic-version": "2023-06-01"}, "the suite talks to the target's origin only"),
    ],
)
def test_a_redirect_to_another_origin_is_the_answer(
    elsewhere: HostileServer, headers: dict[str, str], why: str
) -> None:
    with HostileServer("redirect-elsewhere", elsewhere=elsewhere.url) as server:
        response, _ = send(server.url, headers=headers)
    assert response.status == 302
    assert response.problem == (
        f"a redirect to another origin ({elsewhere.url}/v1/models/stolen) was not followed: {why}"
    )
    assert elsewhere.connections == 0


def test_a_redirect_loop_ends() -> None:
    response, _ = served("redirect-loop")
    assert response.status == 307
    assert response.problem is not None and response.problem.startswith("a redirect loop: ")


def test_redirects_past_the_limit_are_not_followed() -> None:
    with HostileServer("redirect-chain") as server:
        response, _ = send(server.url, Limits(timeout_s=TIMEOUT, max_redirects=3))
        assert server.requests == 4
    assert response.status == 302
    assert response.problem is not None and "more than 3 redirects (--max-redirects)" in response.problem


MODEL = "/v1/models/claude-opus-4-5-20251101"


@pytest.fixture
def moved() -> Iterator[str]:
    """A server that moves every request to /moved/..., where the reference server answers."""
    with (
        ReferenceServer(app=create_app(api_keys=[KEY])) as upstream,
        HostileServer("redirect-same-origin", upstream=upstream.url) as server,
    ):
        yield server.url


def test_a_same_origin_redirect_is_followed_with_the_request_as_it_was(moved: str) -> None:
    with Transport(Limits(timeout_s=5.0), user_agent="test") as transport:
        response = transport.send(Request.make("GET", moved, MODEL, HEADERS))
        assert response.status == 200 and response.problem is None, response
        assert response.json["id"] == MODEL.rpartition("/")[2]
        # The credentials went along: without them, the same redirect ends in a 401.
        assert transport.send(Request.make("GET", moved, MODEL)).status == 401
    with Transport(Limits(timeout_s=5.0, max_redirects=0), user_agent="test") as transport:
        response = transport.send(Request.make("GET", moved, MODEL, HEADERS))
    assert response.status == 308
    assert response.problem is not None and "more than 0 redirects (--max-redirects)" in response.problem


def test_one_transport_sends_one_request_after_another() -> None:
    with (
        ReferenceServer(app=create_app(api_keys=[KEY])) as upstream,
        Transport(Limits(), user_agent="t") as transport,
    ):
        for _ in range(3):
            response = transport.send(
                Request.make("GET", upstream.url, "/v1/models/claude-opus-4-5-20251101", HEADERS)
            )
            assert response.status == 200 and response.json["id"] == "claude-opus-4-5-20251101"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_only_no_connection_at_all_is_unreachable() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(Unreachable) as caught:
        send(url)
    assert str(caught.value) == f"GET {url}/v1/models/claude-x: connection refused"


def test_recording_with_vcrpy_stays_within_the_bounds(tmp_path: Path) -> None:
    """vcrpy reads a body whole before the transport sees it: the wire's own ceiling still holds."""
    import vcr  # type: ignore[import-untyped]

    from models_conformance.cassettes.record import vcr_config

    cassette = vcr.VCR().use_cassette(str(tmp_path / "c.yaml"), **vcr_config(record_mode="all"))
    with HostileServer("endless-chunked") as server, cassette:
        response, took = send(server.url)
    assert response.status == 0
    assert_unusable(response, "the body exceeds the 4 MiB limit (--max-body)")
    assert took < TIMEOUT
