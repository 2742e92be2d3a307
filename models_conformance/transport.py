"""Sending one request and reading its answer (placeholder until the bounded transport lands)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from .exchange import Request, Response

__all__ = ["Limits", "Transport", "Unreachable"]


class Unreachable(Exception):
    """No connection could be made at all (refused, DNS, TLS, connect timeout)."""


@dataclass(frozen=True)
class Limits:
    timeout_s: float = 10.0


class Transport:
    def __init__(self, limits: Limits, *, user_agent: str) -> None:
        self.limits = limits
        self._client = httpx.Client(
            timeout=httpx.Timeout(limits.timeout_s, connect=min(limits.timeout_s, 5.0)),
            follow_redirects=False,
            headers={"user-agent": user_agent},
            trust_env=False,
        )

    def send(self, request: Request) -> Response:
        origin = httpx.URL(request.base_url + "/")
        http_request = self._client.build_request(
            request.method,
            origin,
            headers=dict(request.headers),
            content=request.body or None,
            extensions={"target": request.target.encode("ascii")},
        )
        try:
            http_response = self._client.send(http_request)
        except httpx.ConnectError as exc:
            raise Unreachable(f"{request.method} {request.url}: cannot connect ({exc})") from None
        except httpx.TimeoutException:
            return Response(0, problem=f"no answer within {self.limits.timeout_s:g} s")
        except httpx.TransportError as exc:
            return Response(0, problem=f"the server broke the HTTP protocol ({type(exc).__name__})")
        return Response.make(
            http_response.status_code, http_response.headers.multi_items(), http_response.content
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
