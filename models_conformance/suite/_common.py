"""What the server suite's check modules share: the failure helper, made-up ids, the model under test."""

from __future__ import annotations

import pytest

from models_conformance.exchange import Exchange
from models_conformance.failures import ConformanceFailure, Finding
from models_conformance.run import ServerRun

__all__ = ["UNKNOWN_BETA", "UNKNOWN_ID", "fail", "model_id"]

UNKNOWN_ID = "conformance-no-such-model-0000"
UNKNOWN_BETA = "conformance-unknown-beta-2099-01-01"


def fail(requirement_id: str, message: str, exchange: Exchange, **details: object) -> None:
    __tracebackhide__ = True
    raise ConformanceFailure(Finding(requirement_id, message, exchange=exchange, **details))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def model_id(conformance_run: ServerRun) -> str:
    """The model the single-model checks ask for: the first of the run's models."""
    return conformance_run.models[0]
