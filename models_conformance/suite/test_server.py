"""The server suite: one test per server requirement, each the judge's verdict on the run."""

from __future__ import annotations

import pytest

from models_conformance import registry
from models_conformance.suite.runs import check_requirement
from models_conformance.verdicts import Verdicts


@pytest.mark.parametrize(
    "requirement_id",
    [
        pytest.param(r.id, marks=pytest.mark.requirement(r.id), id=r.id)
        for r in registry.requirements("server")
    ],
)
def test_requirement(conformance_verdicts: Verdicts, requirement_id: str) -> None:
    check_requirement(conformance_verdicts, requirement_id)
