"""Helpers for one's own tests: judge a model response you already have."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from .checks.server import judge_exchange, judge_model_body, raise_findings
from .exchange import Exchange, Request, Response
from .failures import Finding
from .schemas import DEFAULT_CONTRACT

__all__ = ["assert_model_response", "validate_model"]


def _exchange(
    status: int,
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    body: bytes | str | Any,
    contract: str,
    model_id: str,
) -> Exchange:
    if isinstance(body, str):
        raw = body.encode("utf-8")
    elif isinstance(body, bytes):
        raw = body
    else:
        raw = json.dumps(body).encode("utf-8")
    request = Request.make(
        "GET", "http://target.invalid", f"/v1/models/{model_id}", {"anthropic-version": contract}
    )
    return Exchange(request, Response.make(status, headers, raw), contract=contract)


def validate_model(body: Any, contract: str = DEFAULT_CONTRACT) -> list[Finding]:
    """The ways ``body`` (parsed JSON, str or bytes) falls short of BetaModelInfo; empty when it conforms."""
    return judge_model_body(_exchange(200, {"content-type": "application/json"}, body, contract, "model"))


def assert_model_response(
    status: int,
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    body: bytes | str | Any,
    *,
    contract: str = DEFAULT_CONTRACT,
    model_id: str = "model",
) -> None:
    """Assert that one response of GET /v1/models/{model_id} conforms (any status).

    Raises :class:`~models_conformance.failures.ConformanceFailure` naming each violated requirement.
    """
    __tracebackhide__ = True
    raise_findings(judge_exchange(_exchange(status, headers, body, contract, model_id), model_body=True))
