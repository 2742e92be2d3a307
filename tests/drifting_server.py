"""A server whose traffic drifts from the contract: the reference server with additions on the way out.

Every model object gets a new top-level field (``tier``) and a new capability (``capabilities.batch``
gains ``priority``); ``claude-haiku-4-5``'s lifecycle is ``sunset``; a 405 says ``method_not_allowed_error``
(a status the errors table does not list, so the suite judges no error type for it); every response
carries ``x-gateway-trace`` and an ``x-gateway-org`` holding an organisation id. Only the lifecycle breaks a
requirement (SRV-LIFECYCLE, under 2026-10-21); the rest is drift alone.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from .broken_servers import App, Scope, answer_of

ORG_ID = "5f0c9a52-1d7e-4b8e-9a43-1f2e3d4c5b6a"
ADDED_HEADERS = {"x-gateway-trace": "trace-0042", "x-gateway-org": ORG_ID}
SUNSET_MODEL = "claude-haiku-4-5-20251001"


def _drift_model(model: dict[str, Any]) -> None:
    model["tier"] = "gold"
    capabilities = model.get("capabilities")
    if isinstance(capabilities, dict) and isinstance(capabilities.get("batch"), dict):
        capabilities["batch"]["priority"] = {"supported": False}
    if model.get("id") == SUNSET_MODEL and "lifecycle" in model:
        model["lifecycle"] = "sunset"


def _drifted(status: int, body: Any) -> Any:
    if status == 200 and isinstance(body, dict):
        for model in body["data"] if isinstance(body.get("data"), list) else [body]:
            if isinstance(model, dict):
                _drift_model(model)
    elif status == 405 and isinstance(body, dict) and isinstance(body.get("error"), dict):
        body["error"]["type"] = "method_not_allowed_error"
    return body


def drifting(app: App) -> App:
    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        start, body = await answer_of(app, scope, receive)
        with contextlib.suppress(ValueError):  # a body that is not JSON is passed on as it came
            body = json.dumps(_drifted(start["status"], json.loads(body))).encode()
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers += [(k.encode(), v.encode()) for k, v in ADDED_HEADERS.items()]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": start["status"], "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return wrapped
