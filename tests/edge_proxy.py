"""A test double of an edge proxy in front of a server, as the live API has one (Cloudflare).

It answers some requests itself, as an edge does, with an HTML page and its own headers and no
``request-id``: a 414 for a request target longer than it forwards, and now and then a 502 (the origin
could not be reached; the same request a moment later goes through). Every other request reaches the
server behind it, whose answer comes back with the edge's headers added.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n"
)


@dataclass
class EdgeProxy:
    """``max_target_bytes``: longer request targets get the edge's 414; ``bad_gateway_every``: every
    N-th request gets the edge's 502 (None: never); ``origin_fails``: requests that always get it."""

    max_target_bytes: int = 4096
    bad_gateway_every: int | None = 25
    # Requests whose origin "crashes" behind the edge: they always get the edge's 502.
    origin_fails: Callable[[Scope], bool] | None = None
    answered: list[int] = field(default_factory=list)  # statuses the edge gave itself, in order
    _count: itertools.count[int] = field(default_factory=lambda: itertools.count(1), repr=False)

    def wrap(self, app: App) -> App:
        async def edge(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            number = next(self._count)
            target = scope.get("raw_path", b"") + (
                b"?" + scope["query_string"] if scope.get("query_string") else b""
            )
            if len(target) > self.max_target_bytes:
                await self._page(send, 414, "Request-URI Too Large", number)
                return
            failing = self.origin_fails is not None and self.origin_fails(scope)
            if failing or (self.bad_gateway_every and number % self.bad_gateway_every == 0):
                await self._page(send, 502, "Bad Gateway", number)
                return

            async def through(message: MutableMapping[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    message = {**message, "headers": [*message.get("headers", []), *_edge_headers(number)]}
                await send(message)

            await app(scope, receive, through)

        return edge

    async def _page(self, send: Send, status: int, reason: str, number: int) -> None:
        self.answered.append(status)
        body = _PAGE.format(status=status, reason=reason).encode()
        headers = [
            (b"content-type", b"text/html"),
            (b"content-length", str(len(body)).encode()),
            *_edge_headers(number),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _edge_headers(number: int) -> list[tuple[bytes, bytes]]:
    return [(b"server", b"cloudflare"), (b"cf-ray", f"{number:016x}-IAD".encode())]
