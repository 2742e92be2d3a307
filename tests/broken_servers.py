"""Servers that each break one requirement: the reference server behind one deliberate fault.

Each :class:`Fault` wraps the reference ASGI app and changes a request on its way in or a response
on its way out. ``also`` names the requirements a fault breaks as a logical consequence, with the
reason; the suite must flag exactly ``breaks`` plus those, and nothing else.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from models_conformance.reference.app import MOCK_KEY
from models_conformance.reference.catalog import default_catalog
from models_conformance.schemas import known_betas

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
    if (isinstance(body, dict) and body.get("type") == "model") or (
        isinstance(body, dict) and "created_at" in body
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
    # A lean run (the live profile) samples models and lengths, and an edge proxy in front refuses long
    # request targets: a fault that shows only in some samples is proven in the default profile alone.
    lean: bool = True

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
            start, raw = await answer_of(app, scope, receive)
            headers = {k.decode(): v.decode() for k, v in start["headers"] if k.lower() != b"content-length"}
            try:
                parsed: Any = json.loads(raw)
            except ValueError:
                parsed = raw
            status, headers, parsed = self.response(scope, start["status"], headers, parsed)
            body = parsed if isinstance(parsed, bytes) else json.dumps(parsed).encode()
            await _send(send, status, headers, body)

        return broken


async def answer_of(app: App, scope: Scope, receive: Receive) -> tuple[Message, bytes]:
    """What ``app`` answers to ``scope``: its start message and its whole body, for a double to rewrite."""
    start: Message = {"headers": []}
    body = bytearray()

    async def keep(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    await app(scope, receive, keep)
    return start, bytes(body)


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
    if model_id is not None and len(model_id) >= 1_000:
        return error_answer(400, "invalid_request_error", "model_id: at most 999 characters")
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
        set_header(scope, "x-api-key", MOCK_KEY)


def _serve_bearer_unchecked(scope: Scope) -> None:
    if header(scope, "authorization") is not None:
        set_header(scope, "authorization", None)
        set_header(scope, "x-api-key", MOCK_KEY)


def _betas_skip_auth(missing_only: bool) -> Callable[[Scope], None]:
    def request(scope: Scope) -> None:
        if header(scope, "anthropic-beta") is None:
            return
        if missing_only and (header(scope, "x-api-key") or header(scope, "authorization")):
            return
        set_header(scope, "authorization", None)
        set_header(scope, "x-api-key", MOCK_KEY)

    return request


def _rewrite_id(change: Callable[[str], str]) -> Callable[[Scope], None]:
    """Look ids up after ``change``: a server that matches ids loosely."""

    def request(scope: Scope) -> None:
        model_id = segment(scope)
        if model_id:
            raw = "/v1/models/" + quote(change(model_id), safe="-._~")
            scope["raw_path"], scope["path"] = raw.encode(), unquote(raw)

    return request


_KNOWN_IDS = tuple(model["id"] for model in default_catalog().models)


def _prefix_match(model_id: str) -> str:
    return next((known for known in _KNOWN_IDS if model_id.startswith(known)), model_id)


def _refuse_one_beta(scope: Scope) -> Answer | None:
    if "skills-2025-10-02" in (header(scope, "anthropic-beta") or ""):
        return error_answer(400, "invalid_request_error", "anthropic-beta: skills-2025-10-02 is not enabled")
    return None


def _drop_unknown_beside_known(scope: Scope) -> None:
    betas = [value.strip() for value in (header(scope, "anthropic-beta") or "").split(",") if value.strip()]
    documented = [value for value in betas if value in known_betas()]
    if documented and len(documented) < len(betas):
        set_header(scope, "anthropic-beta", ",".join(documented))


def _alias_names_itself(scope: Scope, body: dict[str, Any]) -> None:
    if segment(scope) in default_catalog().aliases:
        body["id"] = segment(scope)


def _methods_served_except_first(scope: Scope) -> None:
    if scope["method"] == "DELETE" and segment(scope) != _KNOWN_IDS[0]:
        scope["method"] = "GET"


def _band_crashes(scope: Scope) -> Answer | None:
    model_id = segment(scope)
    if model_id is not None and 2_500 <= len(model_id) <= 4_000:
        return error_answer(500, "api_error", "Internal server error")
    return None


def _every_seventh_get() -> Callable[[Scope], Answer | None]:
    count = iter(range(1, 10**9))

    def request(scope: Scope) -> Answer | None:
        if scope["method"] == "GET" and segment(scope) and next(count) % 7 == 0:
            return error_answer(500, "api_error", "Internal server error")
        return None

    return request


def _bare_nan(scope: Scope, status: int, headers: dict[str, str], body: Any) -> Any:
    if status == 200 and scope["method"] == "GET" and segment(scope) and isinstance(body, dict):
        text = json.dumps({**body, "max_tokens": 123456789}).replace("123456789", "NaN")
        return status, headers, text.encode()
    return status, headers, body


def _charset(scope: Scope, status: int, headers: dict[str, str], body: Any) -> Any:
    headers["content-type"] = "application/json; charset=utf-8"
    return status, headers, body


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


def _methods_get_an_unlisted_type(scope: Scope) -> Answer | None:
    if scope["method"] not in ("GET", "HEAD"):
        return error_answer(400, "method_not_allowed", f"{scope['method']} is not allowed")
    return None


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
        "SRV-IDEMPOTENT", "every retrieval carries a new counter", response=_retrieve_only(_served_counter())
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
        "other methods get 400 with error.type method_not_allowed",
        request=_methods_get_an_unlisted_type,
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
        "ids of 1,000 characters or more get 400 invalid_request_error",
        request=_long_ids_refused_as_invalid,
    ),
)

# Faults the old design (one dedicated probe per requirement) missed: each shows only in exchanges that
# a run has for other reasons, or in shapes it did not send.
MISSED_BEFORE = (
    Fault(
        "SRV-AUTH-INVALID",
        "any key is accepted in the Bearer form",
        request=lambda s: _serve_bearer_unchecked(s),
        name="SRV-AUTH-INVALID-bearer",
    ),
    Fault(
        "SRV-AUTH-INVALID",
        "a wrong key is accepted beside anthropic-beta",
        request=_betas_skip_auth(False),
        name="SRV-AUTH-INVALID-beside-betas",
        also={"SRV-AUTH-MISSING": "no key at all is accepted beside betas too"},
    ),
    Fault(
        "SRV-AUTH-MISSING",
        "no credentials are needed beside anthropic-beta",
        request=_betas_skip_auth(True),
        name="SRV-AUTH-MISSING-beside-betas",
    ),
    Fault(
        "SRV-404", "ids are matched case-insensitively", request=_rewrite_id(str.lower), name="SRV-404-case"
    ),
    Fault("SRV-404", "ids are trimmed of blanks", request=_rewrite_id(str.strip), name="SRV-404-trimmed"),
    Fault(
        "SRV-404",
        "ids are NFKC-normalised",
        request=_rewrite_id(lambda i: unicodedata.normalize("NFKC", i)),
        name="SRV-404-normalised",
    ),
    Fault(
        "SRV-404",
        "an id that starts with a model's id gets that model",
        request=_rewrite_id(_prefix_match),
        name="SRV-404-prefix",
    ),
    Fault(
        "SRV-404",
        "a 404 for an id with unusual characters says invalid_request_error",
        response=_odd_ids_get_wrong_type,
        name="SRV-404-odd-ids",
        also={
            "SRV-ERROR-STATUS-TYPE": "ids with `/` or dot segments get the same 404, and no requirement of "
            "their own judges its type"
        },
    ),
    Fault(
        "SRV-BETAS-KNOWN",
        "one documented beta, skills-2025-10-02, is refused",
        request=_refuse_one_beta,
        name="SRV-BETAS-KNOWN-one-value",
    ),
    Fault(
        "SRV-BETAS-UNKNOWN",
        "an unknown beta beside a documented one is ignored",
        request=lambda s: _drop_unknown_beside_known(s),
        name="SRV-BETAS-UNKNOWN-beside-documented",
    ),
    Fault(
        "SRV-ALIAS",
        "an alias answers with its own name as id",
        response=_retrieve_only(_alias_names_itself),
        with_aliases=True,
        name="SRV-ALIAS-unresolved",
    ),
    Fault(
        "SRV-METHOD",
        "DELETE on any model but the first listed is served as GET",
        request=lambda s: _methods_served_except_first(s),
        name="SRV-METHOD-not-the-first-model",
        lean=False,
    ),
    Fault(
        "SRV-NO-5XX",
        "ids of 2,500 to 4,000 characters crash (500)",
        request=_band_crashes,
        name="SRV-NO-5XX-between-2000-and-5000",
        lean=False,
    ),
    Fault(
        "SRV-NO-5XX",
        "every 7th GET of a model gets a 500",
        request=_every_seventh_get(),
        name="SRV-NO-5XX-intermittent",
    ),
    Fault(
        "SRV-200-SCHEMA",
        "max_tokens is a bare NaN, which is not JSON",
        response=_bare_nan,
        name="SRV-200-SCHEMA-nan",
    ),
)

# Answers that are unusual but valid: the suite must pass each one.
CONFORMANT = (
    Fault(
        "",
        "created_at is a leap second (2016-12-31T23:59:60Z)",
        response=_models(_set("created_at", "2016-12-31T23:59:60Z")),
        name="leap-second",
    ),
    Fault(
        "",
        "lower-case t and z in created_at",
        response=_models(_set("created_at", "2026-02-04t00:00:00z")),
        name="lower-case-t-and-z",
    ),
    Fault(
        "",
        "an offset and nine fractional digits in created_at",
        response=_models(_set("created_at", "2026-02-04T05:30:00.123456789+05:30")),
        name="offset-and-fraction",
    ),
    Fault("", "content-type: application/json; charset=utf-8", response=_charset, name="json-with-charset"),
    Fault("", "the contract 2026-10-21 spoken", contract="2026-10-21", name="contract-2026-10-21"),
)
