"""Your own checks, judged by the suite's judge: every answer against every requirement that applies."""

from __future__ import annotations

import pytest

from models_conformance import ConformanceFailure, assert_conformant, assert_model_response


def test_the_gateway_answers_conformantly(conformance_target, model_ids):
    for model_id in model_ids:
        conformance_target.retrieve(model_id)
    # Judged like a run: bodies, errors, request ids, and across exchanges (aliases, round trips).
    assert_conformant(conformance_target.exchanges)


def test_a_fixture_body_of_ours_is_a_valid_model():
    body = {"id": "m", "created_at": "2026-02-04T00:00:00Z", "display_name": "M", "type": "model"}
    assert_model_response(200, {"content-type": "application/json", "request-id": "req_1"}, body)


def test_a_broken_body_names_the_requirement_it_breaks():
    body = {"id": "m", "created_at": "2026-02-04T00:00:00Z", "display_name": "M", "type": "Model"}
    with pytest.raises(ConformanceFailure, match="SRV-200-TYPE"):
        assert_model_response(200, {"content-type": "application/json", "request-id": "req_1"}, body)
