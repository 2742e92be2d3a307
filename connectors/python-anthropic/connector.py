#!/usr/bin/env python3
"""A connector for the official Python SDK (``anthropic``): the connector protocol, version 1, by example.

    models-conformance client --connector "python connectors/python-anthropic/connector.py"

The suite writes one JSON object per line on stdin and reads one answer per line on stdout, in
order; anything for humans goes to stderr. A connector for another client keeps this shape and
replaces :func:`retrieve` and :func:`failure_of`.
(The suite can also run this SDK in its own process: ``models-conformance client --python anthropic``.)
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

import anthropic


def plain(value: Any) -> Any:
    """What the SDK returned, as JSON: the fields it kept (extra ones too), date-times as RFC 3339."""
    if isinstance(value, anthropic.BaseModel):
        return plain(value.to_dict(mode="python", warnings=False))
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value if value is None or isinstance(value, str | int | float | bool) else repr(value)


def failure_of(exc: Exception) -> dict[str, Any]:
    """The protocol's error object for an exception the SDK raised."""
    error: dict[str, Any] = {
        "kind": "other",
        "status": None,
        "type": None,
        "message": str(exc),
        "request_id": None,
    }
    if isinstance(exc, anthropic.APIStatusError):
        error.update(
            kind="status",
            status=exc.status_code,
            type=exc.type,
            request_id=exc.request_id,
            message=exc.api_message or exc.message,
        )
    elif isinstance(exc, anthropic.APITimeoutError):
        error["kind"] = "timeout"
    elif isinstance(exc, anthropic.APIConnectionError):
        error["kind"] = "connection"
    elif isinstance(exc, anthropic.APIResponseValidationError | json.JSONDecodeError | UnicodeDecodeError):
        error["kind"] = "invalid_response"  # checked before ValueError: a JSONDecodeError is one
    elif isinstance(exc, ValueError | TypeError):
        error["kind"] = "invalid_argument"  # e.g. an empty model_id, refused before any request
    return {"ok": False, "error": error}


_BASE: list[anthropic.Anthropic] = []


def retrieve(request: dict[str, Any]) -> dict[str, Any]:
    if not _BASE:
        # One client for the connector's life: with_options() shares its connection pool between calls.
        _BASE.append(anthropic.Anthropic(api_key=request["api_key"], base_url=request["base_url"]))
    client = _BASE[0].with_options(
        api_key=request["api_key"],
        base_url=request["base_url"],
        max_retries=request["max_retries"],
        timeout=request["timeout_s"],
    )
    options = {} if request["betas"] is None else {"betas": request["betas"]}
    try:
        model = client.beta.models.retrieve(request["model_id"], **options)
    except Exception as exc:
        return failure_of(exc)
    return {"ok": True, "model": plain(model)}


def answer(request: dict[str, Any]) -> dict[str, Any]:
    if request["op"] == "hello":
        return {"ok": True, "name": "anthropic (Python SDK)", "version": anthropic.__version__, "protocol": 1}
    if request["op"] == "retrieve":
        return retrieve(request)
    return {"ok": False, "error": {"kind": "other", "message": f"unknown op {request['op']!r}"}}


def main() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        if request["op"] == "stop":
            return
        sys.stdout.write(json.dumps(answer(request), ensure_ascii=False) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
