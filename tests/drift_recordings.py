"""Recordings made for the drift tests: vcrpy, Ruby VCR and R vcr cassettes written from Python data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from models_conformance import SEED_EXAMPLE

DATE = "Tue, 03 Mar 2026 10:00:00 GMT"
LATER_DATE = "Wed, 01 Jul 2026 08:30:00 GMT"
KEY_SHAPED = "sk-ant-api03-" + "Q" * 40  # made up; shaped like a key so that the scan must catch it
WORKSPACE_ID = "wrkspc_01MZW3YzUeytZsFc9LHFxP78"
ORG_UUID = "8d2c4f7e-3b1a-4c9d-8e6f-0a1b2c3d4e5f"


def headers(**extra: str) -> dict[str, str]:
    return {"content-type": "application/json", "request-id": "req_0123", "date": DATE, **extra}


def vcrpy(
    uri: str,
    status: int,
    body: Any,
    *,
    method: str = "GET",
    sent: dict[str, str] | None = None,
    answered: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One vcrpy-format interaction; a dict or list body is written as JSON."""
    request_headers = {"anthropic-version": "2023-06-01", "x-api-key": "[REDACTED]"} if sent is None else sent
    response_headers = headers() if answered is None else answered
    return {
        "request": {
            "method": method,
            "uri": "https://api.example.test" + uri,
            "body": "",
            "headers": {name: [value] for name, value in request_headers.items()},
        },
        "response": {
            "status": {"code": status, "message": ""},
            "headers": {name: [value] for name, value in response_headers.items()},
            "body": {"string": body if isinstance(body, str) else json.dumps(body)},
        },
    }


def write_vcrpy(path: Path, interactions: list[dict[str, Any]]) -> Path:
    path.write_text(yaml.safe_dump({"interactions": interactions, "version": 1}), encoding="utf-8")
    return path


def error(error_type: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": error_type, "message": "m"}, "request_id": "req_0123"}


def page(*models: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "data": list(models),
        "has_more": False,
        "first_id": models[0]["id"],
        "last_id": models[-1]["id"],
        **extra,
    }


def drifting_recording() -> list[dict[str, Any]]:
    """Every kind of drift, once or more, beside traffic the contract describes."""
    later = {**SEED_EXAMPLE, "tier": "gold", "capabilities": {"batch": {"supported": True}}, "line": "saga"}
    return [
        # 0: a new top-level field, a nested one below a described container, a new open-enum value.
        vcrpy("/v1/models/claude-opus-4-6", 200, later),
        # 1: the list: a page-level field, and data[] elements judged as models.
        vcrpy(
            "/v1/models?limit=20",
            200,
            page(later, {**SEED_EXAMPLE, "id": "m2"}, total=2),
            answered=headers(date=LATER_DATE),
        ),
        # 2: one documented beta and one the seed does not list.
        vcrpy(
            "/v1/models/claude-opus-4-6",
            200,
            SEED_EXAMPLE,
            sent={
                "anthropic-version": "2023-06-01",
                "anthropic-beta": "files-api-2025-04-14,brand-new-2026-01-01",
            },
        ),
        # 3: an error type outside the errors table.
        vcrpy("/v1/models/claude-opus-4-6", 429, error("quota_exceeded_error")),
        # 4: new headers: one harmless, three whose values are never shown.
        vcrpy(
            "/v1/models/claude-opus-4-6",
            200,
            SEED_EXAMPLE,
            answered=headers(
                **{
                    "x-new-header": "hello",
                    "anthropic-organization-id": ORG_UUID,
                    "x-debug": KEY_SHAPED,
                    "anthropic-workspace-id": WORKSPACE_ID,
                }
            ),
        ),
        # 5: a closed enum's new value, under the version the request names.
        vcrpy(
            "/v1/models/claude-opus-4-6",
            200,
            {**SEED_EXAMPLE, "lifecycle": "sunset"},
            sent={"anthropic-version": "2026-10-21"},
        ),
        # 6: not models traffic: never drift, whatever it shows.
        vcrpy(
            "/v1/messages",
            400,
            error("prompt_error"),
            method="POST",
            answered=headers(**{"x-messages-only": "1"}),
        ),
    ]


def conformant_recording() -> list[dict[str, Any]]:
    """Only what the contract describes: the seed's object, a known beta, a 404, known headers."""
    return [
        vcrpy(
            "/v1/models/claude-opus-4-6",
            200,
            SEED_EXAMPLE,
            sent={"anthropic-version": "2023-06-01", "anthropic-beta": "files-api-2025-04-14"},
        ),
        vcrpy("/v1/models", 200, page(SEED_EXAMPLE)),
        vcrpy(
            "/v1/models/nope", 404, error("not_found_error"), answered=headers(**{"x-should-retry": "false"})
        ),
    ]


def ruby_vcr(path: Path, recorded_at: Any, *, date: str | None, body: Any) -> Path:
    """A Ruby VCR (or, with a YAML timestamp for ``recorded_at``, an R vcr) cassette of one list call."""
    answered: dict[str, Any] = {
        "Content-Type": ["application/json"],
        "Request-Id": ["req_1"],
        "X-Ruby-Only": ["yes"],
    }
    if date is not None:
        answered["Date"] = [date]
    document = {
        "http_interactions": [
            {
                "request": {
                    "method": "get",
                    "uri": "https://api.example.test/v1/models",
                    "body": {"encoding": "UTF-8", "string": ""},
                    "headers": {},
                },
                "response": {
                    "status": {"code": 200, "message": "OK"},
                    "headers": answered,
                    "body": {"encoding": "UTF-8", "string": json.dumps(body)},
                },
                "recorded_at": recorded_at,
            }
        ],
        "recorded_with": "VCR 6.3.1",
    }
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path
