"""What the server checks read of an answer, and what the whole transcript knows that they need."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..exchange import Exchange
from ..findings import MISSING, Finding
from .facts import Facts

__all__ = ["ENVELOPE", "Check", "Known", "answered_id", "error_type", "status_finding"]

ENVELOPE = '{"type": "error", "error": {"type": ..., "message": ...}}'


@dataclass(frozen=True)
class Known:
    """What the whole transcript shows that judging one exchange needs."""

    listed: frozenset[str] | None  # the ids the list pages name; None: no list page was seen
    answers_any_id: bool  # the target answers ids that name no model with some other model


# A check returns its findings (empty: judged and passed), or None: the exchange shows nothing about it.
Check = Callable[[Exchange, Facts, Known], "list[Finding] | None"]


def error_type(exchange: Exchange) -> Any:
    body = exchange.response.json
    error = body.get("error") if isinstance(body, dict) else None
    return error.get("type", MISSING) if isinstance(error, dict) else MISSING


def answered_id(exchange: Exchange) -> str | None:
    """The ``id`` of a model object answered with 200 (not a list page), else None."""
    body = exchange.response.json
    if exchange.response.status != 200 or not isinstance(body, dict) or "data" in body:
        return None
    model_id = body.get("id")
    return model_id if isinstance(model_id, str) else None


def status_finding(requirement_id: str, message: str, expected: Any, exchange: Exchange) -> list[Finding]:
    return [Finding(requirement_id, message, "status", expected, exchange.response.describe(), exchange)]
