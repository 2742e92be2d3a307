"""What the contract describes, as the drift report compares traffic with it.

Every list comes from data the project already keeps: the schemas (fields, enums), the seed's beta
values (``schemas/anthropic-beta.json``), the errors table (``ERROR_TYPES``), and the known response
headers (``data/known-headers.json``, each entry with its source).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from .. import schemas
from ..contract import ERROR_TYPES

__all__ = [
    "HEADERS_FILE",
    "error_types",
    "header_entries",
    "known_betas",
    "known_headers",
    "list_schema",
    "model_schema",
    "seed_fields",
]

HEADERS_FILE = "data/known-headers.json"


@cache
def header_entries() -> tuple[dict[str, str], ...]:
    """The entries of ``data/known-headers.json``: name, source and why."""
    text = resources.files("models_conformance").joinpath(HEADERS_FILE).read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return tuple(document["headers"])


@cache
def known_headers() -> frozenset[str]:
    """Response header names (lower case) that are not drift."""
    return frozenset(entry["name"] for entry in header_entries())


@cache
def known_betas() -> frozenset[str]:
    return frozenset(schemas.known_betas())


@cache
def error_types() -> frozenset[str]:
    """The ``error.type`` values of the errors table."""
    return frozenset(ERROR_TYPES.values())


@cache
def seed_fields() -> frozenset[str]:
    return frozenset(schemas.seed_fields())


def model_schema(contract: str) -> dict[str, Any]:
    """The BetaModelInfo schema of ``contract``."""
    schema: dict[str, Any] = schemas.model_validator(contract).schema  # type: ignore[assignment]
    return schema


def list_schema(contract: str) -> dict[str, Any]:
    """The model list page schema of ``contract``."""
    schema: dict[str, Any] = schemas.list_validator(contract).schema  # type: ignore[assignment]
    return schema
