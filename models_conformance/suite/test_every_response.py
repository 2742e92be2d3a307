"""Requirements on every response: judged on all the traffic of the run, so these checks run last.

Each one also retrieves every model once itself (a lean run reuses the answers it has), so it has
something to judge when run alone.
"""

from __future__ import annotations

import pytest

from models_conformance.checks.server import raise_findings
from models_conformance.run import ServerRun

EVERY_RESPONSE = (
    "SRV-200-SCHEMA",
    "SRV-200-TYPE",
    "SRV-200-CREATED-AT",
    "SRV-200-CONTENT-TYPE",
    "SRV-ERROR-ENVELOPE",
    "SRV-ERROR-STATUS-TYPE",
    "SRV-REQUEST-ID",
    "SRV-LIFECYCLE",
)


@pytest.fixture(scope="module")
def every_model_retrieved(conformance_run: ServerRun) -> ServerRun:
    for model_id in conformance_run.models:
        conformance_run.retrieve_shared(model_id)
    return conformance_run


@pytest.mark.parametrize(
    "requirement_id",
    [pytest.param(rid, marks=pytest.mark.requirement(rid), id=rid) for rid in EVERY_RESPONSE],
)
@pytest.mark.every_response
def test_every_response_meets(every_model_retrieved: ServerRun, requirement_id: str) -> None:
    run = every_model_retrieved
    if requirement_id == "SRV-LIFECYCLE" and run.settings.contract != "2026-10-21":
        pytest.skip(f"SRV-LIFECYCLE applies to contract 2026-10-21; this run speaks {run.settings.contract}")
    observations = run.observations
    if not observations.judged[requirement_id]:
        pytest.skip(f"no response of this run could show {requirement_id}")
    raise_findings(observations.findings.get(requirement_id, []), requirement_id)
