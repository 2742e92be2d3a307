"""The hypothesis strategies draw only valid bodies (a round trip through the schemas' validators),
and they reach every shape the contract allows."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from models_conformance.schemas import CONTRACTS, load_schema, model_validator
from models_conformance.strategies import model_infos, rfc3339_datetimes

ROUND_TRIP = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Reaching a shape is the point, not a minimal example: shrinking would only cost time.
SEARCH = settings(max_examples=5_000, phases=[Phase.generate])
SEED_FIELDS = ("id", "created_at", "display_name", "type")
LATER_FIELDS = tuple(
    name for name in load_schema("beta-model-info.json")["properties"] if name not in SEED_FIELDS
)


def can_draw(strategy: st.SearchStrategy[Any], condition: Callable[[Any], bool]) -> bool:
    find(strategy, condition, settings=SEARCH)
    return True


# --- round trips ------------------------------------------------------------------------------------


@pytest.mark.parametrize("contract", CONTRACTS)
def test_every_drawn_model_info_is_valid_for_its_contract(contract: str) -> None:
    validator = model_validator(contract)

    @ROUND_TRIP
    @given(model_infos(contract))
    def round_trip(body: dict[str, Any]) -> None:
        assert [error.message for error in validator.iter_errors(body)] == []
        assert json.loads(json.dumps(body)) == body

    round_trip()


@pytest.mark.parametrize("contract", CONTRACTS)
def test_every_drawn_model_info_without_extra_fields_has_only_schema_properties(contract: str) -> None:
    validator = model_validator(contract)
    properties = set(load_schema("beta-model-info.json")["properties"])

    @ROUND_TRIP
    @given(model_infos(contract, extra_fields=False))
    def round_trip(body: dict[str, Any]) -> None:
        assert validator.is_valid(body)
        assert set(body) <= properties

    round_trip()


@ROUND_TRIP
@given(rfc3339_datetimes())
def test_every_drawn_date_time_is_valid(created_at: str) -> None:
    validator = model_validator("2023-06-01")
    body = {"id": "m", "created_at": created_at, "display_name": "M", "type": "model"}
    assert [error.message for error in validator.iter_errors(body)] == []


# --- reach: every shape the contract allows ---------------------------------------------------------


@pytest.mark.parametrize(
    "shape",
    [
        pytest.param(r"^1970-01-01T00:00:00Z$", id="the epoch"),
        pytest.param(r"t", id="lower-case t"),
        pytest.param(r"z$", id="lower-case z"),
        pytest.param(r"Z$", id="Z"),
        pytest.param(r"\+\d\d:\d\d$", id="positive offset"),
        pytest.param(r"-(?!00:00)\d\d:\d\d$", id="negative offset"),
        pytest.param(r"-00:00$", id="unknown local offset -00:00"),
        pytest.param(r"\d\d:\d\d:\d\d[Zz+-]", id="no fraction"),
        pytest.param(r"\.\d[Zz+-]", id="one fractional digit"),
        pytest.param(r"\.\d{9}[Zz+-]", id="nine fractional digits"),
        pytest.param(r"^0\d\d\d-", id="a year before 1000"),
        pytest.param(r"-02-29T", id="a leap day"),
    ],
)
def test_date_times_reach_every_shape(shape: str) -> None:
    assert can_draw(rfc3339_datetimes(), lambda value: re.search(shape, value) is not None)


@pytest.mark.parametrize("contract", CONTRACTS)
@pytest.mark.parametrize("name", LATER_FIELDS)
def test_model_infos_reach_every_later_field(contract: str, name: str) -> None:
    assert can_draw(model_infos(contract), lambda body: name in body)


@pytest.mark.parametrize("contract", CONTRACTS)
def test_model_infos_reach_new_values_of_the_open_line_enum(contract: str) -> None:
    known = load_schema("beta-model-info.json")["properties"]["line"]["examples"]
    assert can_draw(
        model_infos(contract), lambda body: isinstance(body.get("line"), str) and body["line"] not in known
    )


@pytest.mark.parametrize("stage", ["active", "deprecated", "retired"])
def test_model_infos_reach_every_lifecycle_under_2026_10_21(stage: str) -> None:
    assert can_draw(model_infos("2026-10-21"), lambda body: body["lifecycle"] == stage)


def test_model_infos_reach_nested_unknown_fields() -> None:
    known = set(load_schema("beta-model-info.json")["properties"])

    def nested_unknown(body: dict[str, Any]) -> bool:
        return any(
            name not in known and isinstance(value, (dict, list)) and value for name, value in body.items()
        )

    assert can_draw(model_infos(), nested_unknown)


def test_model_infos_reach_astral_characters_in_ids_and_names() -> None:
    def astral(text: str) -> bool:
        return any(ord(char) > 0xFFFF for char in text)

    assert can_draw(model_infos(), lambda body: astral(body["id"]))
    assert can_draw(model_infos(), lambda body: astral(body["display_name"]))


# --- limits -----------------------------------------------------------------------------------------


@ROUND_TRIP
@given(model_infos())
def test_ids_are_never_empty_and_text_is_printable(body: dict[str, Any]) -> None:
    assert body["id"]
    for text in (body["id"], body["display_name"]):
        categories = {unicodedata.category(char) for char in text}
        assert not {category for category in categories if category[0] == "C" or category in ("Zl", "Zp")}


def test_an_unknown_contract_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"'2024-01-01'; expected one of 2023-06-01, 2026-10-21"):
        model_infos("2024-01-01")
