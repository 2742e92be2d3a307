"""Recorded responses served over HTTP: ``models-conformance mock --replay PATH...``.

A request is matched on its method and path (the query and the host are ignored; percent-encodings
compare case-insensitively, then decoded). Interactions that match the same request are served in
the order they were recorded; once they run out, the last one is served again. A request nothing
matches gets a 404 error envelope that lists what was recorded.

Recordings that contradict each other (:mod:`.cross`: an id retrieved twice with different answers, a
listed model that is not found, ...) are still served; ``contradictions`` says which, for a warning.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..findings import Finding
from ..judge.cross import judge_across
from ..reference.app import serve_lifespan
from .formats import Cassette, CassetteError, FileLimits, Interaction, load
from .paths import cassette_files

__all__ = ["ReplayApp", "ReplayError", "create_replay_app"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

# Set again by whoever serves the replay, or meaningless once the body is served decoded.
_NOT_REPLAYED = frozenset(
    {"content-length", "transfer-encoding", "connection", "keep-alive", "content-encoding", "date", "server"}
)
_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")


class ReplayError(ValueError):
    """The recordings cannot be served; the message names each file and why."""


def _normal(path: str) -> str:
    return _ESCAPE.sub(lambda match: match.group(0).upper(), path)


def create_replay_app(paths: Iterable[str | Path], limits: FileLimits | None = None) -> ReplayApp:
    """An ASGI app serving every interaction recorded in ``paths`` (files, or folders of *.yaml/*.yml)."""
    files, problems = cassette_files([str(path) for path in paths])
    cassettes: list[Cassette] = []
    for file in files:
        try:
            cassette = load(file, limits=limits)
        except CassetteError as exc:
            problems.append(f"{file}: {exc}")
            continue
        problems.extend(f"{file}: {problem}" for problem in cassette.problems)
        cassettes.append(cassette)
    if problems:
        raise ReplayError("cannot replay: " + "; ".join(problems))
    app = ReplayApp(interaction for cassette in cassettes for interaction in cassette.interactions)
    cross = judge_across(i.exchange for cassette in cassettes for i in cassette.interactions)
    app.contradictions = _contradictions(cross.findings())
    return app


def _contradictions(findings: Iterable[Finding]) -> list[str]:
    """One line per rule the recordings break: its first contradiction, and how many more there are."""
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_rule[finding.requirement_id].append(finding)
    lines = []
    for found in by_rule.values():
        first, requirement = found[0], found[0].requirement
        compared = f", compared with {first.compared.where}" if first.compared is not None else ""
        more = f" (+{len(found) - 1} more)" if len(found) > 1 else ""
        lines.append(
            f"{requirement.id} ({requirement.level}) fails across the recordings: {first.message} "
            f"({first.where}{compared}){more}"
        )
    return lines


class ReplayApp:
    def __init__(self, interactions: Iterable[Interaction]) -> None:
        self.contradictions: list[str] = []  # one line per cross-exchange rule the recordings break
        self._exact: dict[tuple[str, str], list[Interaction]] = defaultdict(list)
        self._decoded: dict[tuple[str, str], list[Interaction]] = defaultdict(list)
        for interaction in interactions:
            request = interaction.exchange.request
            path = urlsplit(request.target).path
            self._exact[(request.method, _normal(path))].append(interaction)
            self._decoded[(request.method, unquote(path))].append(interaction)
        self._served: Counter[tuple[str, str]] = Counter()

    def recorded(self) -> list[str]:
        return [f"{method} {path}" for method, path in self._exact]

    def match(self, method: str, raw_path: str) -> Interaction | None:
        key = (method, _normal(raw_path))
        candidates = self._exact.get(key)
        if not candidates:
            key = (method, unquote(raw_path))
            candidates = self._decoded.get(key)
        if not candidates:
            return None
        served = self._served[key]
        self._served[key] += 1
        return candidates[min(served, len(candidates) - 1)]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await serve_lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        raw_path = (scope.get("raw_path") or scope["path"].encode("utf-8")).decode("latin-1")
        interaction = self.match(scope["method"], raw_path)
        if interaction is None:
            await _send(send, *self._miss(scope["method"], raw_path))
            return
        response = interaction.exchange.response
        headers = [(name, value) for name, value in response.headers if name not in _NOT_REPLAYED]
        await _send(send, response.status, headers, response.body)

    def _miss(self, method: str, raw_path: str) -> tuple[int, list[tuple[str, str]], bytes]:
        recorded = self.recorded()
        shown = ", ".join(recorded[:10]) + (f" and {len(recorded) - 10} more" if len(recorded) > 10 else "")
        message = f"nothing recorded for {method} {raw_path}; recorded: {shown}"
        body = {
            "type": "error",
            "error": {"type": "not_found_error", "message": message},
            "request_id": "req_replay_miss",
        }
        headers = [("content-type", "application/json"), ("request-id", "req_replay_miss")]
        return 404, headers, json.dumps(body).encode("utf-8")


async def _send(send: Send, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
    raw_headers = [(name.encode("latin-1"), value.encode("utf-8")) for name, value in headers]
    raw_headers.append((b"content-length", str(len(body)).encode("ascii")))
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})
