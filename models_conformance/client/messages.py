"""The connector protocol's messages as JSON Schema files, and what a message that breaks them says.

The files are ``schemas/connector/*.json`` (shipped in the wheel with the contract's schemas), one
per message: the requests ``hello``, ``retrieve`` and ``stop``, the answers ``hello-answer`` and
``retrieve-answer``. A violation names the JSON path, what the protocol expects there and what came.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.protocols import Validator

from ..schemas import load_schema

__all__ = ["MESSAGES", "message_schema", "shown", "violation"]

MESSAGES = ("hello", "retrieve", "stop", "hello-answer", "retrieve-answer")

_TYPE_NAMES = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}
# Of several errors the shallowest is shown, and there what is missing or of the wrong kind before
# what is extra: an answer to the wrong request lacks its fields before it has others.
_RANK = {"type": 0, "required": 1, "const": 2, "enum": 3}


def message_schema(name: str) -> dict[str, Any]:
    """The schema of message ``name`` (one of :data:`MESSAGES`); treat it as read-only."""
    return load_schema(f"connector/{name}.json")


@functools.cache
def _validator(name: str) -> Validator:
    # Each file is self-contained (its $refs are its own $defs): no registry to resolve against.
    return Draft202012Validator(message_schema(name))


def violation(name: str, data: Any) -> str | None:
    """How ``data`` breaks message ``name``'s schema, in one sentence; None when it does not."""
    errors = sorted(
        _validator(name).iter_errors(data),
        key=lambda error: (len(error.absolute_path), _RANK.get(str(error.validator), len(_RANK))),
    )
    if not errors:
        return None
    # A value may break one rule along two branches of the schema (allOf/if/then): said once.
    sentences = list(dict.fromkeys(_sentence(error) for error in errors))
    more = f" (+{len(sentences) - 1} more)" if len(sentences) > 1 else ""
    return sentences[0] + more


def _sentence(error: ValidationError) -> str:
    keyword, where, got = str(error.validator), error.json_path, shown(error.instance)
    value: Any = error.validator_value
    instance: Any = error.instance
    if keyword == "type":
        names: list[str] = value if isinstance(value, list) else [value]
        return f"{where} must be {' or '.join(_TYPE_NAMES.get(n, n) for n in names)}, got {got}"
    if keyword == "const":
        return f"{where} must be {json.dumps(value)}, got {got}"
    if keyword == "enum":
        return f"{where} must be one of {', '.join(json.dumps(v) for v in value)}, got {got}"
    if keyword == "required":
        missing = [json.dumps(n) for n in value if n not in instance]
        return f"{where} must carry {' and '.join(missing)}, got {got}"
    if keyword == "additionalProperties":
        schema: Any = error.schema
        known = schema.get("properties", {}) if isinstance(schema, dict) else {}
        extra = [json.dumps(n) for n in instance if n not in known]
        return f"{where} must not carry {', '.join(extra)} (not in protocol 1), got {got}"
    return f"{where}: {error.message}"


def shown(value: Any, limit: int = 200) -> str:
    """``value`` as JSON for a message, cut to ``limit`` characters."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"
