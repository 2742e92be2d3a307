"""Servers that each break one requirement: the reference server behind one deliberate fault.

Each :class:`Fault` wraps the reference ASGI app and changes a request on its way in or a response
on its way out. ``also`` names the requirements a fault breaks as a logical consequence, with the
reason; the suite must flag exactly ``breaks`` plus those, and nothing else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]
Answer = tuple[int, dict[str, str], bytes]


def header(scope: Scope, name: str) -> str | None:
    key = name.encode()
    return next((v.decode("latin-1") for k, v in scope["headers"] if k.lower() == key), None)


def set_header(scope: Scope, name: str, value: str | None) -> None:
    key = name.encode()
    headers = [(k, v) for k, v in scope["headers"] if k.lower() != key]
    if value is not None:
        headers.append((key, value.encode("latin-1")))
    scope["headers"] = headers


def segment(scope: Scope) -> str | None:
    """The decoded model id of a /v1/models/{id} request."""
    raw = scope.get("raw_path", b"").decode("latin-1")
    return (
        unquote(raw.removeprefix("/v1/models/"), errors="replace") if raw.startswith("/v1/models/") else None
    )


def error_answer(status: int, error_type: str, message: str) -> Answer:
    body = {
        "type": "error",
        "error": {"type": error_type, "message": message},
        "request_id": "req_broken0001",
    }
    headers = {"content-type": "application/json", "request-id": "req_broken0001"}
    return status, headers, json.dumps(body).encode()


def map_models(body: Any, change: Callable[[dict[str, Any]], None], *, in_list: bool = True) -> Any:
    if (
        (isinstance(body, dict)
        and body.get("type") == "model")
        or (isinstance(body, dict)
        and "created_at" in body)
    ):
        change(body)
    elif in_list and isinstance(body, dict) and isinstance(body.get("data"), list):
        for item in body["data"]:
            change(item)
    return body


@dataclass(frozen=True)
class Fault:
    breaks: str
    description: str
    request: Callable[[Scope], Answer | None] | None = None  # may change the scope, or answer itself
    response: Callable[[Scope, int, dict[str, str], Any], tuple[int, dict[str, str], Any]] | None = None
    also: dict[str, str] = field(default_factory=dict)  # requirement -> why the fault breaks it too
    contract: str = "2023-06-01"
    with_aliases: bool = False
    app_options: dict[str, Any] = field(default_factory=dict)
    name: str = ""

    @property
    def id(self) -> str:
        return self.name or self.breaks

    def wrap(self, app: App) -> App:
        async def broken(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            scope = dict(scope)
            if self.request is not None:
                answer = self.request(scope)
                if answer is not None:
                    await _send(send, *answer)
                    return
            if self.response is None:
                await app(scope, receive, send)
                return
            captured: dict[str, Any] = {"body": b""}

            async def capture(message: Message) -> None:
                if message["type"] == "http.response.start":
                    captured["status"] = message["status"]
                    captured["headers"] = {k.decode(): v.decode() for k, v in message.get("headers", [])}
                elif message["type"] == "http.response.body":
                    captured["body"] += message.get("body", b"")

            await app(scope, receive, capture)
            headers = {k: v for k, v in captured["headers"].items() if k != "content-length"}
            try:
                parsed: Any = json.loads(captured["body"])
            except ValueError:
                parsed = captured["body"]
            status, headers, parsed = self.response(scope, captured["status"], headers, parsed)
            body = parsed if isinstance(parsed, bytes) else json.dumps(parsed).encode()
            await _send(send, status, headers, body)

        return broken


async def _send(send: Send, status: int, headers: dict[str, str], body: bytes) -> None:
    pairs = [(k.encode(), v.encode()) for k, v in headers.items()] + [
        (b"content-length", str(len(body)).encode())
    ]
    await send({"type": "http.response.start", "status": status, "headers": pairs})
    await send({"type": "http.response.body", "body": body})


def _models(change: Callable[[dict[str, Any]], None], *, in_list: bool = True) -> Any:
    def response(
        scope: Scope, status: int, headers: dict[str, str], body: Any
    ) -> tuple[int, dict[str, str], Any]:
        if status == 200 and scope["method"] == "GET":
            body = map_models(body, change, in_list=in_list)
        return status, headers, body

    return response


def _retrieve_only(change: Callable[[Scope, dict[str, Any]], None]) -> Any:
    def response(
        scope: Scope, status: int, headers: dict[str, str], body: Any
    ) -> tuple[int, dict[str, str], Any]:
        if status == 200 and segment(scope) is not None and isinstance(body, dict):
            change(scope, body)
        return status, headers, body

    return response


def _errors(change: Callable[[int, dict[str, Any]], None]) -> Any:
    def response(
        scope: Scope, status: int, headers: dict[str, str], body: Any
    ) -> tuple[int, dict[str, str], Any]:
        if status >= 400 and isinstance(body, dict):
            change(status, body)
        return status, headers, body

    return response


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda model: model.__setitem__(key, value)


def _drop_display_name(model: dict[str, Any]) -> None:
    model.pop("display_name", None)


def _served_counter() -> Callable[[Scope, dict[str, Any]], None]:
    count = iter(range(1, 10**9))
    return lambda scope, body: body.__setitem__("served", next(count))


def _alias_display(scope: Scope, body: dict[str, Any]) -> None:
    if segment(scope) != body.get("id"):
        body["display_name"] = str(body.get("display_name")) + " (alias)"


def _no_error_message(status: int, body: dict[str, Any]) -> None:
    if isinstance(body.get("error"), dict):
        body["error"].pop("message", None)


_ODD_ID = re.compile(r"[^a-z0-9.-]")


def _odd_ids_get_wrong_type(scope: Scope, status: int, headers: dict[str, str], body: Any) -> Any:
    model_id = segment(scope)
    if status == 404 and model_id is not None and _ODD_ID.search(model_id) and isinstance(body, dict):
        body["error"]["type"] = "invalid_request_error"
    return status, headers, body


def _non_ascii_crashes(scope: Scope) -> Answer | None:
    model_id = segment(scope)
    if model_id is not None and not model_id.isascii():
        return error_answer(500, "api_error", "Internal server error")
    return None


def _mid_length_ids_crash(scope: Scope) -> Answer | None:
    model_id = segment(scope)
    if model_id is not None and 150 <= len(model_id) <= 900:
        return error_answer(500, "api_error", "Internal server error")
    return None


def _long_ids_refused_as_invalid(scope: Scope) -> Answer | None:
    model_id = segment(scope)
    if model_id is not None and len(model_id) > 512:
        return error_answer(400, "invalid_request_error", "model_id: at most 512 characters")
    return None


def _no_percent_decoding(scope: Scope) -> Answer | None:
    raw = scope.get("raw_path", b"")
    if raw.startswith(b"/v1/models/") and b"%" in raw:
        return error_answer(404, "not_found_error", "model: " + raw.decode("latin-1"))
    return None


def _dot_segments_reach_the_list(scope: Scope) -> None:
    model_id = segment(scope)
    if model_id in ("..", "../models", "."):
        scope["raw_path"] = b"/v1/models"
        scope["path"] = "/v1/models"


def _inject_key(scope: Scope) -> None:
    if header(scope, "x-api-key") is None and header(scope, "authorization") is None:
        set_header(scope, "x-api-key", "conformance-reference-key")


def _refuse_x_api_key(scope: Scope) -> Answer | None:
    if header(scope, "x-api-key") is not None and header(scope, "authorization") is None:
        return error_answer(401, "authentication_error", "x-api-key is not supported; use Authorization")
    return None


def _default_version(scope: Scope) -> None:
    if header(scope, "anthropic-version") is None:
        set_header(scope, "anthropic-version", "2023-06-01")


def _refuse_beta_lists(scope: Scope) -> Answer | None:
    if "," in (header(scope, "anthropic-beta") or ""):
        return error_answer(400, "invalid_request_error", "only one beta at a time")
    return None


def _ignore_betas(scope: Scope) -> None:
    set_header(scope, "anthropic-beta", None)


def _every_method_is_get(scope: Scope) -> None:
    scope["method"] = "GET"


def _drop_request_id(scope: Scope, status: int, headers: dict[str, str], body: Any) -> Any:
    headers.pop("request-id", None)
    return status, headers, body


def _text_plain(scope: Scope, status: int, headers: dict[str, str], body: Any) -> Any:
    if status == 200:
        headers["content-type"] = "text/plain; charset=utf-8"
    return status, headers, body


def _list_differs(scope: Scope, status: int, headers: dict[str, str], body: Any) -> Any:
    if status == 200 and isinstance(body, dict) and isinstance(body.get("data"), list):
        for item in body["data"]:
            item["display_name"] = str(item.get("display_name")) + " (listed)"
    return status, headers, body


_LIST_ALSO = "a listed model then differs from the same model retrieved"

FAULTS = (
    Fault("SRV-200-SCHEMA", "model objects lack display_name", response=_models(_drop_display_name)),
    Fault("SRV-200-TYPE", 'model objects say type "Model"', response=_models(_set("type", "Model"))),
    Fault(
        "SRV-200-CREATED-AT",
        "created_at has no T and no offset",
        response=_models(_set("created_at", "2026-02-04 00:00:00")),
    ),
    Fault("SRV-200-CONTENT-TYPE", "200 answers are text/plain", response=_text_plain),
    Fault(
        "SRV-ID-ROUNDTRIP",
        "a retrieved model reports an id with a suffix the server does not know",
        response=_retrieve_only(lambda scope, body: body.__setitem__("id", body["id"] + "-snapshot")),
        also={"SRV-LIST-CONSISTENT": _LIST_ALSO},
    ),
    Fault(
        "SRV-ALIAS",
        "an alias returns an object that differs from its model's",
        response=_retrieve_only(_alias_display),
        with_aliases=True,
    ),
    Fault(
        "SRV-IDEMPOTENT",
        "every retrieval carries a new counter",
        response=_retrieve_only(_served_counter()),
        also={"SRV-LIST-CONSISTENT": _LIST_ALSO},
    ),
    Fault(
        "SRV-404",
        "unknown ids answer 200 (the reference server's --permissive mode)",
        app_options={"permissive": True},
        also={"SRV-LONG-ID": "an over-long id names no model either, and gets 200 too"},
    ),
    Fault("SRV-ERROR-ENVELOPE", "error objects lack message", response=_errors(_no_error_message)),
    Fault(
        "SRV-ERROR-STATUS-TYPE",
        "a 404 for an id with unusual characters says invalid_request_error",
        response=_odd_ids_get_wrong_type,
    ),
    Fault("SRV-NO-5XX", "ids with non-ASCII characters crash the server (500)", request=_non_ascii_crashes),
    Fault(
        "SRV-NO-5XX",
        "ids of 150 to 900 characters crash the server (500)",
        request=_mid_length_ids_crash,
        name="SRV-NO-5XX-mid-length",
    ),
    Fault(
        "SRV-PATH-ENCODING",
        "ids are not percent-decoded",
        request=_no_percent_decoding,
        name="SRV-PATH-ENCODING-undecoded",
    ),
    Fault(
        "SRV-PATH-ENCODING",
        "dot-segment ids reach the list",
        request=lambda scope: _dot_segments_reach_the_list(scope),
        name="SRV-PATH-ENCODING-dot-segments",
    ),
    Fault("SRV-AUTH-MISSING", "a request without credentials is served", request=lambda s: _inject_key(s)),
    Fault("SRV-AUTH-INVALID", "any non-empty key is accepted", app_options={"api_keys": None}),
    Fault("SRV-AUTH-SCHEMES", "x-api-key is refused (only Bearer works)", request=_refuse_x_api_key),
    Fault(
        "SRV-VERSION-MISSING",
        "a missing anthropic-version defaults to 2023-06-01",
        request=lambda s: _default_version(s),
    ),
    Fault("SRV-BETAS-KNOWN", "several betas in one header are refused", request=_refuse_beta_lists),
    Fault("SRV-BETAS-UNKNOWN", "anthropic-beta is ignored", request=lambda s: _ignore_betas(s)),
    Fault("SRV-METHOD", "every method is served as GET", request=lambda s: _every_method_is_get(s)),
    Fault("SRV-REQUEST-ID", "no request-id header", response=_drop_request_id),
    Fault(
        "SRV-LIFECYCLE",
        'lifecycle says "Active"',
        response=_models(_set("lifecycle", "Active")),
        contract="2026-10-21",
    ),
    Fault("SRV-LIST-CONSISTENT", "listed models carry another display_name", response=_list_differs),
    Fault(
        "SRV-LONG-ID",
        "ids over 512 characters get 400 invalid_request_error",
        request=_long_ids_refused_as_invalid,
    ),
)
