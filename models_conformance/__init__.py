"""models-api-conformance: contract tests for ``GET /v1/models/{model_id}`` ("Get a Model").

The public API for use in one's own tests::

    from models_conformance import assert_model_response, validate_model

    validate_model(body)                   # list of problems (empty when the body conforms)
    assert_model_response(status, headers, body)   # raises ConformanceFailure naming the requirement
"""

from __future__ import annotations

from typing import Any

# The seed's example response: the contract's own illustration of a conformant body.
SEED_EXAMPLE_ID = "claude-opus-4-6"
SEED_EXAMPLE: dict[str, Any] = {
    "id": "claude-opus-4-6",
    "created_at": "2026-02-04T00:00:00Z",
    "display_name": "Claude Opus 4.6",
    "type": "model",
}

from .api import assert_model_response, validate_model  # noqa: E402
from .failures import ConformanceFailure, Finding  # noqa: E402

__all__ = [
    "SEED_EXAMPLE",
    "SEED_EXAMPLE_ID",
    "ConformanceFailure",
    "Finding",
    "assert_model_response",
    "validate_model",
]
