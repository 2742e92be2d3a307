"""models-api-conformance: contract tests for ``GET /v1/models/{model_id}`` ("Get a Model").

The public API, for use in one's own tests and tools::

    from models_conformance import assert_model_response, validate_model, judge

    validate_model(body)                            # list of findings (empty when the body conforms)
    assert_model_response(status, headers, body)    # raises ConformanceFailure naming the requirement
    judge(transcript)                               # every verdict over a whole transcript

Names are imported on first use, so that importing the package (as pytest does for the plugin) costs
next to nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import assert_conformant, assert_model_response, validate_model
    from .findings import ConformanceFailure, Finding
    from .judge import Judgement, judge
    from .transcript import Transcript

# The seed's example response: the contract's own illustration of a conformant body.
SEED_EXAMPLE_ID = "claude-opus-4-6"
SEED_EXAMPLE: dict[str, Any] = {
    "id": "claude-opus-4-6",
    "created_at": "2026-02-04T00:00:00Z",
    "display_name": "Claude Opus 4.6",
    "type": "model",
}

_LAZY = {
    "assert_conformant": "api",
    "assert_model_response": "api",
    "validate_model": "api",
    "ConformanceFailure": "findings",
    "Finding": "findings",
    "Judgement": "judge",
    "judge": "judge",
    "Transcript": "transcript",
}

__all__ = [
    "SEED_EXAMPLE",
    "SEED_EXAMPLE_ID",
    "ConformanceFailure",
    "Finding",
    "Judgement",
    "Transcript",
    "assert_conformant",
    "assert_model_response",
    "judge",
    "validate_model",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'models_conformance' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
