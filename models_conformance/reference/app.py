"""The reference server as a raw ASGI application (no framework: it has one resource and must be fast).

Order of checks for a request, first failure wins:

1. the path: not ``/v1/models`` or one segment below it -> 404 not_found_error;
2. the method: not GET or HEAD -> 405 invalid_request_error with ``allow: GET, HEAD``;
3. credentials (``x-api-key``, else ``Authorization: Bearer``) -> 401 authentication_error, as the
   real API checks them before anything about the request itself;
4. ``anthropic-version`` missing or unsupported -> 400 invalid_request_error;
5. ``anthropic-beta`` values -> 400 invalid_request_error naming the unknown ones;
6. query parameters (list only) -> 400 invalid_request_error;
7. the model -> 200, or 404 not_found_error.

Bodies are rendered once per (version, beta) view when the app is created; a request only looks up
bytes. Any exception becomes a logged 500 api_error envelope rather than a bare server error.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from . import listing, paths
from .betas import accepted_betas, unknown_betas
from .catalog import Catalog, default_catalog
from .keys import MOCK_KEY, accepted_keys
from .responses import Response, error_response, json_headers, new_request_id
from .views import VERSIONS, render, synthesize

__all__ = ["MOCK_KEY", "ASGIApp", "Receive", "ReferenceApp", "Scope", "Send", "accepted_keys", "create_app"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

logger = logging.getLogger("models_conformance.reference")

ALLOWED_METHODS = b"GET, HEAD"
_SUPPORTED = ", ".join(VERSIONS)


def create_app(
    catalog: Catalog | None = None, *, api_keys: Collection[str] | None = None, permissive: bool = False
) -> ReferenceApp:
    """The reference server's ASGI app.

    ``catalog``: the models served (default: :func:`default_catalog`). ``api_keys``: the keys accepted;
    None accepts any non-empty key. ``permissive``: an id the catalog lacks gets 200 with a made-up
    model of that id (a drop-in mock for tests that use arbitrary ids) instead of 404.
    """
    return ReferenceApp(catalog or default_catalog(), api_keys=api_keys, permissive=permissive)


@dataclass(frozen=True)
class _View:
    """A catalog as served under one version, beta or not: bodies by id and alias, list entries."""

    bodies: Mapping[str, bytes]
    entries: tuple[listing.Entry, ...]

    @classmethod
    def build(cls, catalog: Catalog, version: str, beta: bool) -> _View:
        entries = tuple(
            listing.Entry(model["id"], model["lifecycle"], _dump(render(model, version=version, beta=beta)))
            for model in catalog.models
        )
        bodies = {entry.id: entry.body for entry in entries}
        bodies.update({alias: bodies[target] for alias, target in catalog.aliases.items()})
        return cls(bodies, entries)


class ReferenceApp:
    """ASGI 3 application; see the module docstring for what it answers."""

    def __init__(self, catalog: Catalog, *, api_keys: Collection[str] | None, permissive: bool) -> None:
        self.catalog = catalog
        self.permissive = permissive
        self._api_keys = None if api_keys is None else frozenset(api_keys)
        self._betas = accepted_betas()
        self._views = {(v, beta): _View.build(catalog, v, beta) for v in VERSIONS for beta in (False, True)}
        positions = {model["id"]: index for index, model in enumerate(catalog.models)}
        positions.update({alias: positions[target] for alias, target in catalog.aliases.items()})
        self._positions: Mapping[str, int] = positions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await serve_lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        request_id = new_request_id()
        try:
            status, headers, body = self.handle(scope, request_id)
        except Exception:
            logger.exception("internal error answering %s %r", scope.get("method"), scope.get("path"))
            status, headers, body = error_response(500, "Internal server error", request_id)
        headers.extend(json_headers(request_id, len(body)))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})

    def handle(self, scope: Scope, request_id: str) -> Response:
        """The response to one HTTP request, without the shared headers."""
        raw_path = scope.get("raw_path") or paths.raw_path_of(scope["path"])
        kind, model_id = paths.route(raw_path)
        if kind == paths.NO_ROUTE:
            return error_response(404, f"Not found: {raw_path.decode('latin-1')}", request_id)
        if scope["method"] not in ("GET", "HEAD"):
            return error_response(
                405, f"Method {scope['method']} not allowed; use GET", request_id, allow=ALLOWED_METHODS
            )

        api_key = bearer = version = None
        beta_headers: list[bytes] = []
        for name, value in scope["headers"]:
            if name == b"x-api-key":
                api_key = value
            elif name == b"authorization":
                bearer = value
            elif name == b"anthropic-version":
                version = value
            elif name == b"anthropic-beta":
                beta_headers.append(value)

        refusal = self._check_credentials(api_key, bearer)
        if refusal is not None:
            return error_response(401, refusal, request_id)
        if version is None:
            return error_response(400, "anthropic-version: header is required", request_id)
        version_text = version.decode("latin-1")
        if version_text not in VERSIONS:
            return error_response(
                400,
                f"anthropic-version: unsupported version {version_text!r}; supported versions: {_SUPPORTED}",
                request_id,
            )
        if beta_headers:
            unknown = unknown_betas(beta_headers, self._betas)
            if unknown:
                values = ", ".join(f"`{value}`" for value in unknown)
                return error_response(
                    400,
                    f"Unexpected value(s) {values} for the `anthropic-beta` header. "
                    "Please consult our documentation or try again without the header.",
                    request_id,
                )

        query = parse_qsl(scope["query_string"].decode("latin-1")) if scope.get("query_string") else []
        beta = ("beta", "true") in query
        view = self._views[version_text, beta]
        if kind == paths.LIST:
            try:
                list_query = listing.parse_list_query(query)
                body = listing.page(
                    view.entries, self._positions, list_query, lenient_cursors=self.permissive
                )
            except listing.QueryError as error:
                return error_response(400, str(error), request_id)
            return 200, [], body
        if kind == paths.MODEL:
            found = view.bodies.get(model_id)
            if found is not None:
                return 200, [], found
            if self.permissive:
                return 200, [], _dump(render(synthesize(model_id), version=version_text, beta=beta))
        return error_response(404, f"model: {model_id}", request_id)

    def _check_credentials(self, api_key: bytes | None, authorization: bytes | None) -> str | None:
        """None when the request may go on, else the 401 message (the real API's wording where known)."""
        if api_key is not None:
            key = api_key.strip()
        elif authorization is not None:
            scheme, _, token = authorization.strip().partition(b" ")
            if scheme.lower() != b"bearer":
                return "invalid authorization header: expected 'Bearer <API key>'"
            key = token.strip()
        else:
            return "x-api-key header is required"
        if not key:
            return "x-api-key header is required"
        if self._api_keys is not None and key.decode("latin-1") not in self._api_keys:
            return "invalid x-api-key"
        return None


def _dump(body: Mapping[str, Any]) -> bytes:
    # Compact and ASCII-only: the bytes are the same whatever the client's charset handling.
    return json.dumps(body, separators=(",", ":")).encode("ascii")


async def serve_lifespan(receive: Receive, send: Send) -> None:
    # Nothing to set up; answering lets the app run under servers whose lifespan is on.
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
