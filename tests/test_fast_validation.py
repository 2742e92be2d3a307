"""The checks' faster validators find exactly the errors the stock Draft 2020-12 validator finds."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models_conformance import schemas
from models_conformance.strategies import model_infos

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
FIELDS = [*schemas.seed_fields(), *schemas.later_fields()]


def errors(found: Any) -> list[tuple[str, str, str]]:
    return [(e.json_path, e.validator, e.message) for e in found]  # type: ignore[misc]


@st.composite
def mutated_models(draw: st.DrawFn, contract: str) -> Any:
    body = dict(draw(model_infos(contract)))
    for field in draw(st.lists(st.sampled_from(FIELDS), max_size=3, unique=True)):
        if draw(st.booleans()):
            body.pop(field, None)
        else:
            body[field] = draw(JSON_VALUES)
    return body if draw(st.integers(0, 9)) else draw(JSON_VALUES)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(schemas.CONTRACTS).flatmap(lambda c: st.tuples(st.just(c), mutated_models(c))))
def test_model_errors_are_the_stock_validators_errors(case: tuple[str, Any]) -> None:
    contract, body = case
    stock = schemas.model_validator(contract).iter_errors(body)
    assert errors(schemas.model_errors(body, contract)) == errors(stock)


ENVELOPES = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["error", "Error"]) | JSON_VALUES,
        "error": st.fixed_dictionaries(
            {}, optional={"type": st.text(max_size=20) | JSON_VALUES, "message": st.text() | JSON_VALUES}
        )
        | JSON_VALUES,
        "request_id": st.text(max_size=10) | JSON_VALUES,
    },
)


@settings(max_examples=300, deadline=None)
@given(ENVELOPES | JSON_VALUES)
def test_error_envelope_errors_are_the_stock_validators_errors(body: Any) -> None:
    assert errors(schemas.error_envelope_errors(body)) == errors(schemas.error_validator().iter_errors(body))


NESTED_CASES = [
    {"type": "error", "error": {"type": "not_found_error", "message": "model: x"}, "request_id": "req_1"},
    {"type": "error", "error": {"type": 404, "message": "model: x"}},
    {"type": "error", "error": {"message": "model: x"}},
    {"type": "error", "error": ["not_found_error"]},
    {"type": "error", "error": {"type": "not_found_error", "message": "m"}, "request_id": 7},
    {"type": "error", "error": {"type": "not_found_error", "message": "m", "extra": {"deep": [1]}}},
    {"error": {"type": "not_found_error", "message": "m"}},
    [],
]


@pytest.mark.parametrize("body", NESTED_CASES)
def test_nested_envelope_errors_are_the_stock_validators_errors(body: Any) -> None:
    assert errors(schemas.error_envelope_errors(body)) == errors(schemas.error_validator().iter_errors(body))
