"""The scenario server: a real HTTP server on loopback that plays a script per call and records it all.

Each call to the client under test gets its own base URL, ``http://127.0.0.1:PORT/c<N>``; requests
under that prefix are answered from the call's :class:`Script` (one step per request, the last step
repeating) and recorded with their arrival time. A request under no live prefix (a client that
dropped the base URL's path, or a call abandoned earlier) is recorded as a stray and gets a 404.
It runs on :class:`~models_conformance.reference.server.ReferenceServer`, so it serves with the same
uvicorn set-up as the reference server.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from ..reference.app import Receive, Scope, Send
from ..reference.server import ReferenceServer
from .script import Hang, Received, Reply, Script, Step, error_reply

__all__ = ["Live", "ScenarioServer"]

# A hung answer is let go when its call is over, or after this long whatever happens.
MAX_HANG_S = 60.0
_POLL_S = 0.02


@dataclass
class Live:
    """A script being played for one call."""

    prefix: str
    base_url: str
    script: Script
    requests: list[Received] = field(default_factory=list)
    closed: bool = False

    def path(self, received: Received) -> str:
        """The request's raw path below the base URL."""
        return received.raw_path[len(self.prefix) :]


class ScenarioServer:
    """The server every client check talks to; a context manager."""

    def __init__(self) -> None:
        self._server = ReferenceServer(app=self.app)
        self._live: dict[str, Live] = {}
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self.stray: list[Received] = []
        self.requests_received = 0

    @property
    def url(self) -> str:
        return self._server.url

    def __enter__(self) -> ScenarioServer:
        self._server.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        with self._lock:
            for live in self._live.values():
                live.closed = True
        self._server.stop()

    @contextmanager
    def play(self, script: Script) -> Iterator[Live]:
        """Serve ``script`` under a new base URL for the duration of the ``with`` block."""
        prefix = f"/c{next(self._numbers)}"
        live = Live(prefix, self.url + prefix, script)
        with self._lock:
            self._live[prefix] = live
        try:
            yield live
        finally:
            live.closed = True  # lets a hung answer go
            with self._lock:
                del self._live[prefix]

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        arrived, arrived_wall = time.monotonic(), time.time()
        body = await _read_body(receive)
        raw_path = (scope.get("raw_path") or scope["path"].encode("utf-8")).decode("latin-1")
        received = Received(
            method=scope["method"],
            raw_path=raw_path,
            query=scope.get("query_string", b"").decode("latin-1"),
            headers=tuple((k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in scope["headers"]),
            body=body,
            arrived=arrived,
            arrived_wall=arrived_wall,
        )
        self.requests_received += 1
        with self._lock:
            live = self._live.get("/" + raw_path.split("/", 2)[1]) if raw_path.startswith("/c") else None
            (live.requests if live is not None else self.stray).append(received)
            index = len(live.requests) - 1 if live is not None else 0
        if live is None:
            step: Step = error_reply(404, f"no scenario is playing at {raw_path}")
        else:
            step = live.script.step(index)
        if isinstance(step, Hang):
            assert live is not None
            deadline = arrived + MAX_HANG_S
            while not live.closed and time.monotonic() < deadline:
                await asyncio.sleep(_POLL_S)
            step = error_reply(504, "the scenario's hung answer was let go")
        # Stamped before sending: the client may act on the answer before this coroutine resumes.
        received.replied = time.monotonic()
        await _send(send, step)


async def _read_body(receive: Receive) -> bytes:
    body = b""
    while True:
        message: MutableMapping[str, Any] = await receive()
        if message["type"] != "http.request":
            return body
        body += bytes(message.get("body", b""))
        if not message.get("more_body"):
            return body


async def _send(send: Send, reply: Reply) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers]
    headers.append((b"content-length", str(len(reply.body)).encode("ascii")))
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": reply.body})
