"""Helpers for one's own tests: judge a model response you already have."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from .contract import encode_segment
from .exchange import Exchange, Probe, Request, Response
from .findings import ConformanceFailure, Finding
from .judge import judge
from .judge.bodies import judge_model, judge_model_body
from .schemas import DEFAULT_CONTRACT
from .transcript import Transcript

__all__ = ["assert_conformant", "assert_model_response", "validate_model"]


def _raw(body: bytes | str | Any) -> bytes:
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(body).encode("utf-8")


def validate_model(body: Any, contract: str = DEFAULT_CONTRACT) -> list[Finding]:
    """The ways ``body`` (parsed JSON, or its text) falls short of BetaModelInfo; empty when it conforms."""
    request = Request.make("GET", "http://target.invalid", "/v1/models/model")
    if isinstance(body, str | bytes):
        return judge_model_body(Exchange(request, Response.make(200, body=_raw(body)), contract))
    return judge_model(body, contract, Exchange(request, Response.make(200), contract))


def assert_model_response(
    status: int,
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    body: bytes | str | Any,
    *,
    contract: str = DEFAULT_CONTRACT,
    model_id: str = "model",
) -> None:
    """Assert that one answer of ``GET /v1/models/{model_id}`` conforms, whatever its status.

    It is judged as the judge judges any answer of a target: the model body of a 200, the error
    envelope and its type, the content type, ``request-id``. Raises
    :class:`~models_conformance.ConformanceFailure` naming each violated requirement.
    """
    __tracebackhide__ = True
    request = Request.make(
        "GET",
        "http://target.invalid",
        f"/v1/models/{encode_segment(model_id)}",
        {"anthropic-version": contract},
    )
    exchange = Exchange(request, Response.make(status, headers, _raw(body)), contract, Probe(key="valid"))
    findings = judge(Transcript("server", contract, [exchange])).findings
    if findings:
        raise ConformanceFailure(findings)


def assert_conformant(exchanges: Iterable[Exchange], *, contract: str = DEFAULT_CONTRACT) -> None:
    """Assert that exchanges with a server (``conformance_target.exchanges``, say) show no violation.

    They are judged as the judge judges any transcript of a server run, across exchanges too; raises
    :class:`~models_conformance.ConformanceFailure` naming each violated requirement.
    """
    __tracebackhide__ = True
    findings = judge(Transcript("server", contract, list(exchanges))).findings
    if findings:
        raise ConformanceFailure(findings)
