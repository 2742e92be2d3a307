#!/usr/bin/env python3
"""A connector template (connector protocol, version 1): copy it, and put your client in retrieve().

    models-conformance client --connector "python examples/connector-python/connector.py"

The suite writes one JSON object per line on stdin and reads exactly one answer line per request on
stdout, in order; anything else goes to stderr. The HTTP part below is a small conformant client
of GET /v1/models/{model_id} (standard library and httpx only): replace it with a call of yours and
keep the answers' shape (schemas/connector/retrieve-answer.json).
"""

from __future__ import annotations

import email.utils
import json
import sys
import time
from typing import Any
from urllib.parse import quote

import httpx

RETRYABLE = {408, 409, 429} | set(range(500, 600))


def failure(kind: str, status: int | None = None, message: str | None = None, **more: Any) -> dict[str, Any]:
    """A failed call; kind is status, connection, timeout, invalid_argument, invalid_response or other."""
    error = {"kind": kind, "status": status, "type": None, "message": message, "request_id": None, **more}
    return {"ok": False, "error": error}


def retry_delay(response: httpx.Response, attempt: int) -> float:
    """What the server asks for (retry-after-ms, retry-after in seconds or as a date), else a back-off."""
    millis, after = response.headers.get("retry-after-ms"), response.headers.get("retry-after")
    try:
        if millis is not None:
            asked = float(millis) / 1000
        elif after is not None and after.replace(".", "", 1).isdigit():
            asked = float(after)
        else:  # an HTTP date: wait until then (ValueError when it is not one either)
            asked = max(0.0, email.utils.parsedate_to_datetime(after).timestamp() - time.time())  # type: ignore[arg-type]
    except (TypeError, ValueError):
        asked = -1.0
    return asked if 0 <= asked <= 60 else min(0.5 * 2**attempt, 8.0)


def should_retry(response: httpx.Response) -> bool:
    flag = response.headers.get("x-should-retry")  # the server's word beats the status
    return flag == "true" if flag in ("true", "false") else response.status_code in RETRYABLE


def retrieve(client: httpx.Client, request: dict[str, Any]) -> dict[str, Any]:
    """One retrieve: the client's answer, as the protocol wants it. Replace this with your client."""
    model_id = request["model_id"]
    # An empty id would ask for the list; "." and ".." (before any ";") are dot segments a proxy resolves.
    if model_id.partition(";")[0] in ("", ".", ".."):
        return failure("invalid_argument", message=f"refused model id {model_id!r}")
    # One path segment: everything but RFC 3986's unreserved characters and sub-delims is encoded.
    url = request["base_url"].rstrip("/") + "/v1/models/" + quote(model_id, safe="!$&'()*+,;=:@")
    headers = {"anthropic-version": "2023-06-01", "x-api-key": request["api_key"]}
    if request["betas"]:
        headers["anthropic-beta"] = ",".join(request["betas"])
    for attempt in range(request["max_retries"] + 1):
        last = attempt == request["max_retries"]
        try:
            response = client.get(url, headers=headers, timeout=request["timeout_s"])
        except httpx.TimeoutException as exc:
            if last:
                return failure("timeout", message=str(exc) or "timed out")
            continue
        except httpx.TransportError as exc:
            if last:
                return failure("connection", message=str(exc) or type(exc).__name__)
            continue
        if response.status_code == 200:
            return model_of(response)
        if last or not should_retry(response):
            return error_of(response)
        time.sleep(retry_delay(response, attempt))
    raise AssertionError("every attempt returns or continues")


def model_of(response: httpx.Response) -> dict[str, Any]:
    """The model, every field kept as sent; a body that is not a BetaModelInfo is an error."""
    try:
        body = response.json()
    except ValueError as exc:
        return failure("invalid_response", 200, f"the body is not JSON: {exc}")
    fields = ("id", "created_at", "display_name", "type")
    if not isinstance(body, dict) or not all(isinstance(body.get(name), str) for name in fields):
        return failure("invalid_response", 200, "the body is not a BetaModelInfo")
    return {"ok": True, "model": body}


def error_of(response: httpx.Response) -> dict[str, Any]:
    """An HTTP error: status, the body's error.type and error.message, the request-id header."""
    try:
        detail = response.json()["error"]
        kind, message = detail.get("type"), detail.get("message")
    except (ValueError, KeyError, TypeError, AttributeError):
        kind, message = None, response.text
    request_id = response.headers.get("request-id")
    return failure("status", response.status_code, message, type=kind, request_id=request_id)


def main() -> None:
    with httpx.Client(trust_env=False) as client:  # trust_env: no proxy from the environment
        for line in sys.stdin:
            request = json.loads(line)
            if request["op"] == "stop":
                return
            if request["op"] == "hello":
                name = f"connector template (httpx {httpx.__version__})"
                answer = {"ok": True, "name": name, "version": "1.0"}
            else:
                answer = retrieve(client, request)
            print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
