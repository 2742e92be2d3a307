"""The contract's JSON Schemas (the files in ``schemas/``) and validators built from them.

Validators are Draft 2020-12, check ``format: date-time`` per RFC 3339, and resolve ``$ref``s only
against the local files (never over the network). Each is built once and cached: validating a
response is on the hot path of every check.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from jsonschema.protocols import Validator
from referencing import Registry, Resource

from .contract import CONTRACTS, DEFAULT_CONTRACT
from .rfc3339 import is_date_time

__all__ = [
    "CONTRACTS",
    "DEFAULT_CONTRACT",
    "error_envelope_errors",
    "error_validator",
    "known_betas",
    "later_fields",
    "list_validator",
    "load_schema",
    "model_errors",
    "model_validator",
    "schema_dir",
    "seed_fields",
]


_MODEL_SCHEMAS = {"2023-06-01": "beta-model-info.json", "2026-10-21": "beta-model-info-2026-10-21.json"}
_LIST_SCHEMAS = {"2023-06-01": "model-list.json", "2026-10-21": "model-list-2026-10-21.json"}
_PACKAGE_DIR = Path(__file__).resolve().parent


def schema_dir() -> Path:
    """The folder holding the schema files.

    The wheel ships them as ``models_conformance/schema_files``; a source checkout keeps them in
    ``<repo>/schemas``.
    """
    installed = _PACKAGE_DIR / "schema_files"
    return installed if installed.is_dir() else _PACKAGE_DIR.parent / "schemas"


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema in file ``name`` (e.g. ``"error.json"``), parsed once; treat it as read-only."""
    path = schema_dir() / name
    if not path.is_file():
        available = ", ".join(sorted(p.name for p in schema_dir().glob("*.json")))
        raise FileNotFoundError(f"no schema named {name!r} in {schema_dir()}; available: {available}")
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


@functools.cache
def _registry() -> Registry[Any]:
    resources = [load_schema(path.name) for path in sorted(schema_dir().glob("*.json"))]
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in resources
    )
    # Crawling up front moves the cost of indexing anchors and subschemas out of the first validation.
    return registry.crawl()


@functools.cache
def _format_checker() -> FormatChecker:
    # Only date-time is asserted by the contract's schemas; RFC 3339's own grammar decides it, leap
    # seconds included (jsonschema's optional checker would depend on another package, and refuses them).
    checker = FormatChecker(formats=())
    checker.checks("date-time")(is_date_time)
    return checker


@functools.cache
def _validator(name: str) -> Validator:
    return Draft202012Validator(load_schema(name), registry=_registry(), format_checker=_format_checker())


# The validation keywords _holds decides itself; a schema with any other is left to jsonschema.
_DECIDED = frozenset({"type", "const", "enum", "format", "minimum", "items", "required", "properties"})
# jsonschema's Draft 2020-12 type checks for these names are exactly these isinstance tests.
_PYTHON_TYPES: dict[str, type] = {"string": str, "object": dict, "array": list}
Rules = tuple[tuple[str, Any], ...]
# id(schema) -> (schema, its rules); holding the schema keeps its id from being reused.
_RULES: dict[int, tuple[Any, Rules | None]] = {}


def _rules(validator: Any, schema: Any) -> Rules | None:
    """The validation keywords of ``schema`` (annotations dropped), or None when _holds cannot decide it.

    Worked out once per schema object: the schemas are loaded once and every response walks them.
    """
    cached = _RULES.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    rules: Rules | None = None
    if isinstance(schema, dict) and "$schema" not in schema and "prefixItems" not in schema:
        found = [(key, value) for key, value in schema.items() if key in validator.VALIDATORS]
        if all(key in _DECIDED for key, _ in found):
            # "type" becomes a tuple of names, whether the schema wrote one name or a list of them.
            rules = tuple(
                (key, (tuple(value) if isinstance(value, list) else (value,)) if key == "type" else value)
                for key, value in found
            )
    _RULES[id(schema)] = (schema, rules)
    return rules


def _is_type(validator: Any, instance: Any, name: str) -> bool:
    python_type = _PYTHON_TYPES.get(name)
    if python_type is not None:
        return isinstance(instance, python_type)
    return bool(validator.is_type(instance, name))


def _holds(validator: Any, schema: Any, instance: Any) -> bool:
    """True only when jsonschema would find no error for ``instance`` under ``schema``; False: ask it.

    Decides the keywords the contract's schemas use (type, const, enum, format, minimum, items,
    required, properties) the way jsonschema's 2020-12 keywords do, without a descent (a new validator
    and a resolver scope per property, ~3.5 us each). Anything else ($ref, additionalProperties, ...)
    is left to jsonschema, so every error is still found and worded by jsonschema itself.
    """
    rules = _rules(validator, schema)
    if rules is None:
        return False
    for keyword, value in rules:
        if keyword == "type":
            for name in value:
                if _is_type(validator, instance, name):
                    break
            else:
                return False
        elif keyword == "const":
            if not (isinstance(value, str) and instance == value):
                return False
        elif keyword == "enum":
            if not (isinstance(instance, str) and instance in value):
                return False
        elif keyword == "format":
            checker = validator.format_checker
            if checker is not None and not checker.conforms(instance, value):
                return False
        elif keyword == "minimum":
            if validator.is_type(instance, "number") and instance < value:
                return False
        elif isinstance(instance, list if keyword == "items" else dict):
            # items, required, properties: each applies to its own type of instance only.
            if keyword == "items":
                if not all(_holds(validator, value, item) for item in instance):
                    return False
            elif keyword == "required":
                for name in value:
                    if name not in instance:
                        return False
            else:
                for name, subschema in value.items():
                    if name in instance and not _holds(validator, subschema, instance[name]):
                        return False
    return True


def _properties(validator: Any, properties: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """jsonschema's own ``properties`` keyword, minus the descent into properties that surely hold."""
    if not validator.is_type(instance, "object"):
        return
    for name, subschema in properties.items():
        if name in instance and not _holds(validator, subschema, instance[name]):
            yield from validator.descend(instance[name], subschema, path=name, schema_path=name)


# The checks' validators: Draft 2020-12 with the same errors in the same order as Draft202012Validator,
# found in about a third of the time (the public *_validator() functions keep returning the stock class).
_CheckingValidator = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator, {"properties": _properties}
)


@functools.cache
def _checking_validator(name: str) -> Validator:
    validator: Validator = _CheckingValidator(
        load_schema(name), registry=_registry(), format_checker=_format_checker()
    )
    return validator


def _checked(contract: str) -> str:
    if contract not in CONTRACTS:
        raise ValueError(f"unknown contract version {contract!r}; expected one of {', '.join(CONTRACTS)}")
    return contract


def model_validator(contract: str) -> Validator:
    """The validator for a BetaModelInfo body (GET /v1/models/{model_id}) under ``contract``."""
    return _validator(_MODEL_SCHEMAS[_checked(contract)])


def list_validator(contract: str) -> Validator:
    """The validator for a model list page (GET /v1/models) under ``contract``."""
    return _validator(_LIST_SCHEMAS[_checked(contract)])


def error_validator() -> Validator:
    """The validator for the error envelope of every 4xx and 5xx body."""
    return _validator("error.json")


@functools.cache
def _root_rules(name: str) -> dict[str, Any]:
    """The root schema of file ``name`` without ``$schema`` and ``$id``.

    They choose the dialect and the base URI: the validator already speaks Draft 2020-12, and a base
    URI only matters to a ``$ref``, which :func:`_holds` leaves to jsonschema.
    """
    return {key: value for key, value in load_schema(name).items() if key not in ("$schema", "$id")}


def _errors(name: str, body: Any) -> Iterator[ValidationError]:
    validator = _checking_validator(name)
    # Most bodies are valid, and every response of a run is judged: deciding that without jsonschema
    # takes a third of the instructions for an error envelope (callgrind, benchmarks/RESULTS.md); any
    # doubt, and jsonschema finds and words the errors as before.
    if _holds(validator, _root_rules(name), body):
        return iter(())
    return validator.iter_errors(body)


def model_errors(body: Any, contract: str) -> Iterator[ValidationError]:
    """What ``model_validator(contract).iter_errors(body)`` yields, in the same order, found faster."""
    return _errors(_MODEL_SCHEMAS[_checked(contract)], body)


def error_envelope_errors(body: Any) -> Iterator[ValidationError]:
    """What ``error_validator().iter_errors(body)`` yields, in the same order, found faster."""
    return _errors("error.json", body)


def known_betas() -> tuple[str, ...]:
    """The anthropic-beta values the seed page lists (19), in its order."""
    return tuple(load_schema("anthropic-beta.json")["$defs"]["known-betas"]["enum"])


def required_fields(contract: str) -> tuple[str, ...]:
    """The BetaModelInfo properties ``contract`` requires, in schema order."""
    return tuple(load_schema(_MODEL_SCHEMAS[_checked(contract)])["required"])


def seed_fields() -> tuple[str, ...]:
    """The BetaModelInfo properties the seed page defines (the schema's required ones), in schema order."""
    return required_fields(DEFAULT_CONTRACT)


def later_fields() -> tuple[str, ...]:
    """The BetaModelInfo properties known beyond the seed (max_input_tokens, lifecycle, ...), in schema order.

    The one list of them: the reference server, the strategies and the tests take it from here.
    """
    seed = set(seed_fields())
    properties = load_schema(_MODEL_SCHEMAS[DEFAULT_CONTRACT])["properties"]
    return tuple(name for name in properties if name not in seed)
