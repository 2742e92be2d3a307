"""The contract's JSON Schemas: what they accept, what they reject, and that they are sound data."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from jsonschema.protocols import Validator
from referencing import Registry, Resource

from models_conformance.schemas import (
    CONTRACTS,
    DEFAULT_CONTRACT,
    error_validator,
    known_betas,
    later_fields,
    list_validator,
    load_schema,
    model_validator,
    schema_dir,
    seed_fields,
)

REPO = Path(__file__).resolve().parent.parent
# Real recordings of the live API, kept beside the project (never inside it): see their ORIGIN.md.
REAL_WORLD = REPO.parent / "shared" / "real-world"
ID_PREFIX = "https://models-api-conformance.example/schemas/"

# The seed's "Response 200" example.
SEED_EXAMPLE: dict[str, Any] = {
    "id": "claude-opus-4-6",
    "created_at": "2026-02-04T00:00:00Z",
    "display_name": "Claude Opus 4.6",
    "type": "model",
}
# The seed's sentences, which the schema's descriptions quote.
SEED_DESCRIPTIONS = {
    "id": "Unique model identifier.",
    "created_at": (
        "RFC 3339 datetime string representing the time at which the model was released. "
        "May be set to an epoch value if the release date is unknown."
    ),
    "display_name": "A human-readable name for the model.",
    "type": 'Object type. For Models, this is always "model".',
}
SCHEMA_FILES = sorted(path.name for path in schema_dir().glob("*.json"))


def errors(validator: Validator, instance: Any) -> list[tuple[str, str]]:
    """(JSON path, failed keyword) of every error, sorted."""
    return sorted((error.json_path, str(error.validator)) for error in validator.iter_errors(instance))


def seed_with(**changes: object) -> dict[str, Any]:
    return {**copy.deepcopy(SEED_EXAMPLE), **changes}


def seed_without(name: str) -> dict[str, Any]:
    body = copy.deepcopy(SEED_EXAMPLE)
    del body[name]
    return body


# --- the seed example and its mutations ---------------------------------------------------------


def test_seed_example_is_valid_for_2023_06_01() -> None:
    assert errors(model_validator("2023-06-01"), SEED_EXAMPLE) == []


def test_seed_example_lacks_only_lifecycle_for_2026_10_21() -> None:
    [error] = model_validator("2026-10-21").iter_errors(SEED_EXAMPLE)
    assert (error.json_path, error.validator) == ("$", "required")
    assert "'lifecycle' is a required property" in error.message


def test_seed_example_with_a_lifecycle_is_valid_for_2026_10_21() -> None:
    assert errors(model_validator("2026-10-21"), seed_with(lifecycle="active")) == []


@pytest.mark.parametrize("contract", CONTRACTS)
@pytest.mark.parametrize(
    ("body", "path", "keyword"),
    [
        pytest.param(seed_without("id"), "$", "required", id="id missing"),
        pytest.param(seed_without("created_at"), "$", "required", id="created_at missing"),
        pytest.param(seed_without("display_name"), "$", "required", id="display_name missing"),
        pytest.param(seed_without("type"), "$", "required", id="type missing"),
        pytest.param(seed_with(type="models"), "$.type", "const", id="type not model"),
        pytest.param(seed_with(type="Model"), "$.type", "const", id="type capitalised"),
        pytest.param(seed_with(created_at="2026-02-04T00:00:00"), "$.created_at", "format", id="no offset"),
        pytest.param(seed_with(created_at="2026-02-04"), "$.created_at", "format", id="date only"),
        pytest.param(seed_with(created_at="yesterday"), "$.created_at", "format", id="not a date"),
        pytest.param(
            seed_with(created_at="2026-02-30T00:00:00Z"), "$.created_at", "format", id="no such day"
        ),
        pytest.param(seed_with(created_at=1770163200), "$.created_at", "type", id="epoch seconds"),
        pytest.param(seed_with(id=42), "$.id", "type", id="id a number"),
        pytest.param(seed_with(id=None), "$.id", "type", id="id null"),
        pytest.param(seed_with(display_name=None), "$.display_name", "type", id="display_name null"),
        pytest.param([SEED_EXAMPLE], "$", "type", id="body an array"),
        pytest.param(json.dumps(SEED_EXAMPLE), "$", "type", id="body a string"),
        pytest.param(None, "$", "type", id="body null"),
    ],
)
def test_a_broken_seed_example_is_rejected_at_its_path(
    contract: str, body: object, path: str, keyword: str
) -> None:
    found = errors(model_validator(contract), body)
    # Under 2026-10-21 the seed example also lacks `lifecycle`: that error is expected, not the point.
    if contract == "2026-10-21" and isinstance(body, dict):
        found.remove(("$", "required"))
    assert found == [(path, keyword)]


@pytest.mark.parametrize("contract", CONTRACTS)
def test_unknown_properties_are_accepted(contract: str) -> None:
    body = seed_with(
        lifecycle="active",
        future_flag=True,
        future_object={"nested": [1, {"deeper": None}], "name": "ünïcødé 🚀"},
        future_list=[[], {}, 1.5, "x"],
    )
    assert errors(model_validator(contract), body) == []


# --- created_at is an RFC 3339 date-time ------------------------------------------------------------


@pytest.mark.parametrize("contract", CONTRACTS)
def test_validators_are_draft_2020_12_and_check_the_date_time_format(contract: str) -> None:
    validator = model_validator(contract)
    assert isinstance(validator, Draft202012Validator)
    checker = validator.format_checker
    assert checker is not None
    assert "date-time" in checker.checkers


@pytest.mark.parametrize(
    "created_at",
    [
        "2026-02-04T00:00:00Z",
        "2026-02-04T00:00:00+05:30",
        "2026-02-04T00:00:00-08:00",
        "2026-02-04T00:00:00-00:00",
        "2026-02-04T00:00:00.5Z",
        "2026-02-04T00:00:00.123456789+01:00",
        "2026-02-04t00:00:00z",
        "2024-02-29T23:59:59Z",
        "1970-01-01T00:00:00Z",
    ],
)
def test_rfc3339_date_times_are_accepted(created_at: str) -> None:
    assert errors(model_validator(DEFAULT_CONTRACT), seed_with(created_at=created_at)) == []


@pytest.mark.parametrize(
    "created_at",
    [
        "2026-02-04",
        "2026-02-04T00:00:00",
        "2026-02-04 00:00:00Z",
        "2026-02-04T00:00Z",
        "2026-02-04T00:00:00+0530",
        "2026-02-04T00:00:00+24:00",
        "2025-02-29T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "2026-02-04T00:00:00.Z",
        "Wed, 04 Feb 2026 00:00:00 GMT",
        "",
    ],
)
def test_strings_that_are_not_rfc3339_date_times_are_rejected(created_at: str) -> None:
    assert errors(model_validator(DEFAULT_CONTRACT), seed_with(created_at=created_at)) == [
        ("$.created_at", "format")
    ]


# --- the later fields: type-checked when present --------------------------------------------------


@pytest.mark.parametrize("contract", CONTRACTS)
def test_later_fields_with_valid_values_are_accepted(contract: str) -> None:
    body = seed_with(
        max_input_tokens=1_000_000,
        max_tokens=0,
        capabilities={"batch": {"supported": True}, "thinking": {"supported": True, "types": {}}},
        lifecycle="deprecated",
        line="a-line-added-later",
        deprecated_at="2026-03-01T00:00:00Z",
        retires_at=None,
        allowed_fallback_models=[],
    )
    assert errors(model_validator(contract), body) == []


# Every later field but `lifecycle` (a plain string under 2023-06-01, required under 2026-10-21) may be null.
NULLABLE_LATER = [name for name in later_fields() if name != "lifecycle"]


@pytest.mark.parametrize("contract", CONTRACTS)
@pytest.mark.parametrize("name", NULLABLE_LATER)
def test_nullable_later_fields_accept_null(contract: str, name: str) -> None:
    assert errors(model_validator(contract), seed_with(lifecycle="active", **{name: None})) == []


@pytest.mark.parametrize("contract", CONTRACTS)
@pytest.mark.parametrize(
    ("changes", "path", "keyword"),
    [
        pytest.param({"max_tokens": "128000"}, "$.max_tokens", "type", id="max_tokens a string"),
        pytest.param({"max_tokens": 1.5}, "$.max_tokens", "type", id="max_tokens fractional"),
        pytest.param(
            {"max_input_tokens": -1}, "$.max_input_tokens", "minimum", id="max_input_tokens negative"
        ),
        pytest.param({"capabilities": []}, "$.capabilities", "type", id="capabilities an array"),
        pytest.param({"line": 5}, "$.line", "type", id="line a number"),
        pytest.param({"deprecated_at": "2026-03-01"}, "$.deprecated_at", "format", id="deprecated_at a date"),
        pytest.param({"retires_at": 0}, "$.retires_at", "type", id="retires_at a number"),
        pytest.param(
            {"allowed_fallback_models": "claude-x"},
            "$.allowed_fallback_models",
            "type",
            id="allowed_fallback_models a string",
        ),
        pytest.param(
            {"allowed_fallback_models": ["a", 1]},
            "$.allowed_fallback_models[1]",
            "type",
            id="allowed_fallback_models an item not a string",
        ),
    ],
)
def test_later_fields_with_wrong_types_are_rejected(
    contract: str, changes: dict[str, object], path: str, keyword: str
) -> None:
    assert errors(model_validator(contract), seed_with(lifecycle="active", **changes)) == [(path, keyword)]


def test_lifecycle_is_any_string_under_2023_06_01() -> None:
    assert errors(model_validator("2023-06-01"), seed_with(lifecycle="sunset")) == []


@pytest.mark.parametrize("lifecycle", ["active", "deprecated", "retired"])
def test_lifecycle_stages_are_accepted_under_2026_10_21(lifecycle: str) -> None:
    assert errors(model_validator("2026-10-21"), seed_with(lifecycle=lifecycle)) == []


@pytest.mark.parametrize("lifecycle", ["sunset", "Active", "", None])
def test_other_lifecycles_are_rejected_under_2026_10_21(lifecycle: object) -> None:
    assert errors(model_validator("2026-10-21"), seed_with(lifecycle=lifecycle)) == [("$.lifecycle", "enum")]


def test_the_2026_10_21_schema_is_the_2023_06_01_schema_with_lifecycle_required() -> None:
    base, later = load_schema("beta-model-info.json"), load_schema("beta-model-info-2026-10-21.json")
    assert later["required"] == [*base["required"], "lifecycle"]
    assert later["properties"]["lifecycle"]["enum"] == ["active", "deprecated", "retired"]
    assert {**later["properties"], "lifecycle": base["properties"]["lifecycle"]} == base["properties"]


def test_the_2026_10_21_list_schema_is_the_2023_06_01_one_with_its_model_schema() -> None:
    base, later = load_schema("model-list.json"), load_schema("model-list-2026-10-21.json")
    assert base["properties"]["data"]["items"] == {"$ref": "beta-model-info.json"}
    assert later["properties"]["data"]["items"] == {"$ref": "beta-model-info-2026-10-21.json"}
    assert later["required"] == base["required"]
    unchanged = {name: rule for name, rule in later["properties"].items() if name != "data"}
    assert unchanged == {name: rule for name, rule in base["properties"].items() if name != "data"}


# --- lists and errors -------------------------------------------------------------------------------


@pytest.mark.parametrize("contract", CONTRACTS)
def test_a_list_page_validates_each_model(contract: str) -> None:
    good = seed_with(lifecycle="active")
    page = {
        "data": [good, seed_with(lifecycle="active", type="file")],
        "has_more": False,
        "first_id": "claude-opus-4-6",
        "last_id": None,
    }
    assert errors(list_validator(contract), page) == [("$.data[1].type", "const")]


@pytest.mark.parametrize("contract", CONTRACTS)
def test_a_list_page_needs_its_four_fields(contract: str) -> None:
    assert errors(list_validator(contract), {"data": []}) == [("$", "required")] * 3


def test_a_list_page_under_2026_10_21_needs_lifecycle_on_each_model() -> None:
    page = {"data": [SEED_EXAMPLE], "has_more": False, "first_id": None, "last_id": None}
    assert errors(list_validator("2023-06-01"), page) == []
    assert errors(list_validator("2026-10-21"), page) == [("$.data[0]", "required")]


def test_an_error_envelope_with_an_unknown_type_and_no_request_id_is_valid() -> None:
    body = {"type": "error", "error": {"type": "a_type_added_later", "message": "", "param": "x"}}
    assert errors(error_validator(), body) == []


@pytest.mark.parametrize(
    ("body", "path", "keyword"),
    [
        ({"type": "error", "error": {"type": "not_found_error"}}, "$.error", "required"),
        ({"type": "error", "error": {"message": "m"}}, "$.error", "required"),
        ({"type": "error", "error": {"type": 404, "message": "m"}}, "$.error.type", "type"),
        ({"type": "error", "error": "not_found_error"}, "$.error", "type"),
        ({"type": "failure", "error": {"type": "api_error", "message": "m"}}, "$.type", "const"),
        ({"error": {"type": "api_error", "message": "m"}}, "$", "required"),
        (
            {"type": "error", "error": {"type": "api_error", "message": "m"}, "request_id": None},
            "$.request_id",
            "type",
        ),
    ],
)
def test_a_broken_error_envelope_is_rejected_at_its_path(body: object, path: str, keyword: str) -> None:
    assert errors(error_validator(), body) == [(path, keyword)]


def test_the_error_types_listed_are_those_of_the_status_table() -> None:
    schema = load_schema("error.json")
    listed = schema["properties"]["error"]["properties"]["type"]["examples"]
    assert listed == list(schema["x-error-type-by-status"].values())
    assert schema["x-error-type-by-status"]["404"] == "not_found_error"


# --- real recordings of the live API ----------------------------------------------------------------


def recorded_responses() -> Iterator[tuple[str, int, Any]]:
    """(file name, status, parsed body) of every response in the recordings (vcrpy, R vcr, Ruby VCR)."""
    for path in sorted([*REAL_WORLD.glob("*.yml"), *REAL_WORLD.glob("*.yaml")]):
        cassette = yaml.safe_load(path.read_text(encoding="utf-8"))
        for interaction in cassette.get("interactions") or cassette.get("http_interactions") or []:
            response = interaction["response"]
            status = response["status"]
            code = status["code"] if isinstance(status, dict) else status
            yield path.name, int(code), json.loads(response["body"]["string"])


def recorded(select: str) -> list[Any]:
    if not REAL_WORLD.is_dir():
        reason = f"{REAL_WORLD} is absent: the real recordings are not shipped with the project"
        return [pytest.param(None, id="no-recordings", marks=pytest.mark.skip(reason=reason))]
    if select == "models":
        return [
            pytest.param(model, id=f"{name}:{model['id']}")
            for name, status, body in recorded_responses()
            if status == 200
            for model in body["data"]
        ]
    return [
        pytest.param((status, body), id=name) for name, status, body in recorded_responses() if status >= 400
    ]


@pytest.mark.parametrize("model", recorded("models"))
def test_every_recorded_model_object_is_valid_for_2023_06_01(model: dict[str, Any]) -> None:
    assert errors(model_validator("2023-06-01"), model) == []


@pytest.mark.parametrize("response", recorded("errors"))
def test_every_recorded_error_body_is_a_valid_error_envelope(response: tuple[int, Any]) -> None:
    status, body = response
    assert errors(error_validator(), body) == []
    assert load_schema("error.json")["x-error-type-by-status"][str(status)] == body["error"]["type"]


# --- the files themselves ---------------------------------------------------------------------------


def test_the_schema_files_are_the_expected_ones() -> None:
    assert SCHEMA_FILES == [
        "anthropic-beta.json",
        "beta-model-info-2026-10-21.json",
        "beta-model-info.json",
        "error.json",
        "model-list-2026-10-21.json",
        "model-list.json",
        "retrieve-params.json",
    ]


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_every_schema_file_is_a_valid_2020_12_schema_with_its_own_id(name: str) -> None:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == ID_PREFIX + name


def all_refs(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from all_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from all_refs(item)


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_every_ref_is_relative_and_resolves_to_a_local_file(name: str) -> None:
    registry: Registry[Any] = Registry().with_resources(
        (ID_PREFIX + other, Resource.from_contents(load_schema(other))) for other in SCHEMA_FILES
    )
    resolver = registry.resolver(base_uri=ID_PREFIX + name)
    for ref in all_refs(load_schema(name)):
        assert "://" not in ref
        assert resolver.lookup(ref).contents


def properties_without_description(node: object, path: str = "$") -> Iterator[str]:
    if isinstance(node, dict):
        for name, rule in node.get("properties", {}).items():
            if not (isinstance(rule, dict) and rule.get("description")):
                yield f"{path}.properties.{name}"
        for key, value in node.items():
            yield from properties_without_description(value, f"{path}.{key}")


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_every_property_has_a_description(name: str) -> None:
    assert list(properties_without_description(load_schema(name))) == []


@pytest.mark.parametrize("name", ["beta-model-info.json", "beta-model-info-2026-10-21.json"])
def test_the_seed_fields_are_described_in_the_seed_s_words(name: str) -> None:
    properties = load_schema(name)["properties"]
    assert {field: properties[field]["description"] for field in SEED_DESCRIPTIONS} == SEED_DESCRIPTIONS


def test_later_fields_name_their_source() -> None:
    properties = load_schema("beta-model-info.json")["properties"]
    later = later_fields()
    assert set(later) == set(properties) - set(SEED_DESCRIPTIONS)
    assert set(seed_fields()) == set(SEED_DESCRIPTIONS)
    # Real 2026 traffic and the SDK show these; a later field silently dropped from the schema would
    # stop being type-checked.
    assert {"max_input_tokens", "capabilities", "lifecycle", "allowed_fallback_models"} <= set(later)
    assert all("(SDK 2.x, API version 2026-10-21" in properties[name]["description"] for name in later)


# --- anthropic-beta and the request parameters ------------------------------------------------------


def test_known_betas_are_the_19_values_the_seed_lists() -> None:
    betas = known_betas()
    assert len(betas) == len(set(betas)) == 19
    assert betas[0] == "message-batches-2024-09-24"
    assert betas[-1] == "skills-2025-10-02"
    assert "context-1m-2025-08-07" in betas


def params_validator() -> Validator:
    registry: Registry[Any] = Registry().with_resources(
        (ID_PREFIX + name, Resource.from_contents(load_schema(name))) for name in SCHEMA_FILES
    )
    return Draft202012Validator(load_schema("retrieve-params.json"), registry=registry)


@pytest.mark.parametrize(
    "params",
    [
        {"model_id": "claude-opus-4-6"},
        {"model_id": "claude-opus-4-6", "betas": []},
        {"model_id": "x", "betas": ["files-api-2025-04-14", "a-beta-from-the-future"]},
    ],
)
def test_retrieve_params_accept_any_beta_string(params: dict[str, Any]) -> None:
    assert errors(params_validator(), params) == []


@pytest.mark.parametrize(
    ("params", "path", "keyword"),
    [
        ({"model_id": ""}, "$.model_id", "minLength"),
        ({"betas": []}, "$", "required"),
        ({"model_id": "x", "betas": "files-api-2025-04-14"}, "$.betas", "type"),
        ({"model_id": "x", "betas": [1]}, "$.betas[0]", "anyOf"),
    ],
)
def test_retrieve_params_are_rejected_at_their_path(params: dict[str, Any], path: str, keyword: str) -> None:
    assert errors(params_validator(), params) == [(path, keyword)]


# --- the module's API -------------------------------------------------------------------------------


def test_schema_dir_of_a_source_checkout_is_the_repo_schemas_folder() -> None:
    assert schema_dir() == REPO / "schemas"


def test_an_unknown_schema_name_lists_the_available_ones() -> None:
    with pytest.raises(FileNotFoundError, match=r"no schema named 'model\.json'.*beta-model-info\.json"):
        load_schema("model.json")


@pytest.mark.parametrize("factory", [model_validator, list_validator])
def test_an_unknown_contract_names_the_known_ones(factory: Any) -> None:
    with pytest.raises(ValueError, match=r"'2024-01-01'; expected one of 2023-06-01, 2026-10-21"):
        factory("2024-01-01")


@pytest.mark.parametrize("factory", [model_validator, list_validator])
def test_validators_are_built_once(factory: Any) -> None:
    for contract in CONTRACTS:
        assert factory(contract) is factory(contract)
    assert error_validator() is error_validator()


# --- openapi.yaml -----------------------------------------------------------------------------------

OPENAPI = schema_dir() / "openapi.yaml"


def openapi() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    return document


def test_openapi_yaml_is_a_valid_openapi_3_1_document() -> None:
    validation = pytest.importorskip(
        "openapi_spec_validator", reason="openapi-spec-validator is not installed"
    )
    document = openapi()
    assert document["openapi"].startswith("3.1.")
    validation.validate(document, base_uri=OPENAPI.as_uri())


def test_openapi_yaml_refs_resolve_to_the_schema_files() -> None:
    document = openapi()
    files = set()
    for ref in all_refs(document):
        target, _, fragment = ref.partition("#")
        if target:
            assert target.startswith("./")
            files.add(target.removeprefix("./"))
            node: Any = load_schema(target.removeprefix("./"))
        else:
            node = document
        for part in filter(None, fragment.split("/")):
            node = node[part]
    assert files == {"beta-model-info.json", "model-list.json", "error.json"}


def test_openapi_yaml_declares_both_operations_and_their_responses() -> None:
    paths = openapi()["paths"]
    retrieve, listing = paths["/v1/models/{model_id}"]["get"], paths["/v1/models"]["get"]
    assert retrieve["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "./beta-model-info.json"
    }
    assert listing["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "./model-list.json"
    }
    for operation in (retrieve, listing):
        assert {"400", "401", "403", "404", "429", "500", "529"} <= set(operation["responses"])


def test_openapi_yaml_declares_anthropic_beta_as_a_plain_string() -> None:
    # Prism's simple-style array deserializer crashes the mock on any request that omits the header.
    parameters = openapi()["components"]["parameters"]
    beta = parameters["anthropic-beta"]
    assert (beta["in"], beta["required"], beta["schema"]["type"]) == ("header", False, "string")
    assert "style" not in beta
    assert parameters["anthropic-version"]["required"] is True


def test_openapi_yaml_list_limit_is_1_to_1000_defaulting_to_20() -> None:
    [limit] = [p for p in openapi()["paths"]["/v1/models"]["get"]["parameters"] if p.get("name") == "limit"]
    assert limit["schema"] == {"type": "integer", "minimum": 1, "maximum": 1000, "default": 20}


def test_openapi_yaml_error_examples_match_the_status_table() -> None:
    by_status = load_schema("error.json")["x-error-type-by-status"]
    document = openapi()
    for operation in (document["paths"][path]["get"] for path in document["paths"]):
        for status, response in operation["responses"].items():
            if status == "200":
                continue
            name = response["$ref"].rsplit("/", 1)[-1]
            example = document["components"]["responses"][name]["content"]["application/json"]["example"]
            assert errors(error_validator(), example) == []
            assert example["error"]["type"] == by_status[status]
