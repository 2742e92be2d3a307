"""Small stand-alone servers that behave like the foreign servers `nox -s foreign` judges.

They reproduce, without Node or a gateway install, the behaviours behind the suite's false alarms
found there (docs/foreign-verdicts.md): a mock that answers every id with the same example (Prism's
static mode), one that makes up a new model for every answer (Prism's dynamic mode), and an API
mounted under a path prefix (LiteLLM's `/anthropic` pass-through).
"""

from __future__ import annotations

import json
import random
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

EXAMPLE = {
    "id": "claude-opus-4-6",
    "created_at": "2026-02-04T00:00:00Z",
    "display_name": "Claude Opus 4.6",
    "type": "model",
}
ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    404: "not_found_error",
    405: "invalid_request_error",
}


async def _answer(send: Send, status: int, body: Any) -> None:
    payload = json.dumps(body).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"request-id", b"req_double0001"),
        (b"content-length", str(len(payload)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _error(send: Send, status: int, message: str) -> None:
    body = {
        "type": "error",
        "error": {"type": ERROR_TYPES[status], "message": message},
        "request_id": "req_double0001",
    }
    await _answer(send, status, body)


def example_mock(make_model: Callable[[], dict[str, Any]]) -> App:
    """A spec-driven mock: keys, version and betas checked, every id answered with ``make_model()``.

    Routing is on the raw path, as Prism's: `%2F` stays inside the id's segment, a literal `/` or a
    dot segment matches no route (404).
    """

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        raw = scope.get("raw_path", b"").decode("latin-1").split("?", 1)[0]
        segments = raw.split("/")[1:]
        if (
            segments[:2] != ["v1", "models"]
            or len(segments) > 3
            or (len(segments) == 3 and segments[2] in ("", ".", ".."))
        ):
            await _error(send, 404, "no route")
        elif scope["method"] != "GET":
            await _error(send, 405, "method not allowed")
        elif not headers.get("x-api-key"):
            await _error(send, 401, "x-api-key is required")
        elif headers["x-api-key"].startswith("conformance-"):
            await _error(send, 401, "invalid x-api-key")
        elif "anthropic-version" not in headers:
            await _error(send, 400, "anthropic-version: header is required")
        elif "conformance-unknown-beta" in headers.get("anthropic-beta", ""):
            await _error(send, 400, "unknown beta")
        elif len(segments) == 2:
            model = make_model()
            await _answer(
                send,
                200,
                {"data": [model], "has_more": False, "first_id": model["id"], "last_id": model["id"]},
            )
        else:
            await _answer(send, 200, make_model())

    return app


def static_mock() -> App:
    """Prism's static mode: the document's example, whatever the id."""
    return example_mock(lambda: dict(EXAMPLE))


def dynamic_mock(seed: int = 7) -> App:
    """Prism's dynamic mode: a made-up model for every answer, from a seeded generator."""
    rng = random.Random(seed)
    return example_mock(lambda: {**EXAMPLE, "id": f"model-{rng.randrange(10**9)}"})


def mounted(app: App, prefix: str) -> App:
    """``app`` served under ``prefix`` (e.g. "/gw"), as a gateway mounts an upstream API; elsewhere 404."""
    encoded = prefix.encode()

    async def wrapper(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw = scope.get("raw_path", scope["path"].encode())
            if not raw.startswith(encoded + b"/"):
                await _error(send, 404, f"not under {prefix}")
                return
            scope = {**scope, "raw_path": raw[len(encoded) :], "path": scope["path"][len(prefix) :]}
        await app(scope, receive, send)

    return wrapper


def redirecting_slash(app: App) -> App:
    """``app``, except that the id `/` (`/v1/models/%2F`) is redirected to the list, as Starlette's
    redirect_slashes does once the path is decoded (LiteLLM's own routes): a 307, no body."""

    async def wrapper(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("raw_path", b"").upper() == b"/V1/MODELS/%2F":
            headers = [
                (b"location", b"/v1/models"),
                (b"request-id", b"req_double0002"),
                (b"content-length", b"0"),
            ]
            await send({"type": "http.response.start", "status": 307, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await app(scope, receive, send)

    return wrapper
