"""Checks: plain functions over :class:`~models_conformance.exchange.Exchange` objects.

``judge_*`` functions return a list of :class:`~models_conformance.failures.Finding` (empty when the exchange
conforms); ``check_*`` functions raise :class:`~models_conformance.failures.ConformanceFailure`. None of them
imports pytest, so they work in any test runner or script.
"""

from .server import (
    ERROR_TYPES,
    check_error,
    check_model,
    judge_content_type,
    judge_error_envelope,
    judge_exchange,
    judge_model_body,
    judge_no_5xx,
    judge_request_id,
    raise_findings,
)

__all__ = [
    "ERROR_TYPES",
    "check_error",
    "check_model",
    "judge_content_type",
    "judge_error_envelope",
    "judge_exchange",
    "judge_model_body",
    "judge_no_5xx",
    "judge_request_id",
    "raise_findings",
]
