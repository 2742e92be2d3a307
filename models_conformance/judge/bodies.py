"""The model object of a 200 answer: SRV-200-SCHEMA, SRV-200-TYPE, SRV-200-CREATED-AT, SRV-LIFECYCLE.

One validation against the contract version's BetaModelInfo schema; each problem is attributed to
the most specific requirement it breaks (a wrong ``type`` is SRV-200-TYPE, not also SRV-200-SCHEMA),
so that one fault in a server shows up as one failed requirement. Each element of a list page's
``data`` is the same object and is judged the same way.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from typing import Any

from .. import registry, schemas
from ..exchange import NOT_JSON, Exchange
from ..findings import MISSING, Finding

__all__ = ["BODY_REQUIREMENTS", "json_path", "judge_list_page", "judge_model", "judge_model_body"]

BODY_REQUIREMENTS = ("SRV-200-SCHEMA", "SRV-200-TYPE", "SRV-200-CREATED-AT", "SRV-LIFECYCLE")
_FIELD_REQUIREMENT = {"type": "SRV-200-TYPE", "created_at": "SRV-200-CREATED-AT"}
_LIFECYCLE_FIELDS = frozenset({"lifecycle", "deprecated_at", "retires_at"})
_MODEL = "a JSON object (BetaModelInfo)"


def json_path(parts: Iterable[Any]) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _field_requirement(field: Any, contract: str) -> str:
    if field in _LIFECYCLE_FIELDS and registry.get("SRV-LIFECYCLE").applies_to(contract):
        return "SRV-LIFECYCLE"
    return _FIELD_REQUIREMENT.get(field, "SRV-200-SCHEMA")


def _describe_rule(keyword: Any, value: Any) -> Any:
    if keyword == "const":
        return value
    if keyword == "format":
        return f"a string in {value} format (RFC 3339, with a time-zone offset)"
    if keyword == "type":
        return f"a value of JSON type {value}"
    return f"{keyword}: {value}"


def _field(path: list[Any]) -> str:
    """The property a problem is about, as the same words wherever the model object is (a retrieve's
    body, an element of a list page)."""
    return "`" + ".".join(str(part) for part in path) + "`" if path else "the model object"


def _problem(keyword: Any, value: Any, message: str) -> str:
    """What the schema rule says the value is not, in words that do not repeat the value (the finding
    shows it), so that the same problem reads the same in every exchange."""
    if keyword == "type":
        return f"is not of JSON type {value}"
    if keyword == "format":
        return f"is not an RFC 3339 {value}"
    if keyword == "enum":
        return f"is not one of {', '.join(map(json.dumps, value))}"
    if keyword == "const":
        return f"is not {json.dumps(value)}"
    if keyword == "minimum":
        return f"is less than {value}"
    return f"breaks the rule: {message}"


def judge_model(body: Any, contract: str, exchange: Exchange) -> list[Finding]:
    """The ways ``body`` (parsed JSON) falls short of BetaModelInfo under ``contract``."""
    if not isinstance(body, dict):
        return [Finding("SRV-200-SCHEMA", "the 200 body is not a JSON object", "$", _MODEL, body, exchange)]
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for error in schemas.model_errors(body, contract):
        if error.validator == "required":
            # One finding per missing property, attributed to the property's own requirement.
            for name in error.validator_value:  # type: ignore[union-attr,unused-ignore]
                if name not in body and (name, "required") not in seen:
                    seen.add((name, "required"))
                    findings.append(
                        Finding(
                            _field_requirement(name, contract),
                            f"required property {name!r} is missing (BetaModelInfo, contract {contract})",
                            json_path([name]),
                            f"a value for {name!r}",
                            MISSING,
                            exchange,
                        )
                    )
            continue
        path = list(error.absolute_path)
        key = (json_path(path), str(error.validator))
        if key in seen:
            continue
        seen.add(key)
        findings.append(
            Finding(
                _field_requirement(path[0], contract) if path else "SRV-200-SCHEMA",
                f"{_field(path)} {_problem(error.validator, error.validator_value, error.message)} "
                f"(schema rule {json_path(error.absolute_schema_path)}, contract {contract})",
                json_path(path),
                _describe_rule(error.validator, error.validator_value),
                error.instance,
                exchange,
            )
        )
    return findings


def judge_model_body(exchange: Exchange) -> list[Finding]:
    """The 200 body of a GET of one model."""
    body = exchange.response.json
    if isinstance(body, NOT_JSON):
        return [
            Finding(
                "SRV-200-SCHEMA",
                "the 200 body is not a JSON document",
                "$",
                _MODEL,
                f"{body.reason}: {exchange.response.body_excerpt()}",
                exchange,
            )
        ]
    return judge_model(body, exchange.contract, exchange)


def judge_list_page(exchange: Exchange) -> list[Finding]:
    """Each element of a 200 list page's ``data``, judged as the object a retrieve returns."""
    page = exchange.response.json
    if not isinstance(page, dict) or not isinstance(page.get("data"), list):
        reason = page.reason if isinstance(page, NOT_JSON) else "it has no `data` array"
        return [
            Finding(
                "SRV-200-SCHEMA",
                "the 200 list body is not a page of models",
                "$.data",
                "a page {data: [BetaModelInfo...], has_more, first_id, last_id}",
                f"{reason}: {exchange.response.body_excerpt()}",
                exchange,
            )
        ]
    findings = []
    for index, element in enumerate(page["data"]):
        for finding in judge_model(element, exchange.contract, exchange):
            findings.append(dataclasses.replace(finding, path=f"$.data[{index}]{finding.path[1:]}"))
    return findings
