"""The facts of an exchange that decide which requirements it is judged on.

The registry's ``judged_on.when`` names these facts and their values (``facts`` in
``data/requirements.json`` says what each means). Facts come from what the exchange shows (method,
path, status, headers) and from what the suite meant by its request (the probe's label); what
neither says is ``any``, which no requirement that needs the fact is judged on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from ..contract import CREDENTIAL_FORM, MODELS_PATH, encode_segment
from ..exchange import Exchange, Request
from ..intermediary import intermediary

__all__ = ["LONG_ID", "Facts", "credential_form", "decoded_segment", "facts_of", "model_path"]

# An id this long is far beyond any real one (10-40 characters); RFC 9110 lets a server refuse its
# request target as too long (414).
LONG_ID = 1_000


@dataclass(frozen=True)
class Facts:
    sender: str
    answerer: str
    method: str
    resource: str
    status: str
    id: str
    length: str
    encoding: str
    key: str
    form: str
    version: str
    betas: str
    headers: str
    body: str
    segment: str | None  # the raw model-id segment as sent (None: not a model path)
    model_id: str | None  # the segment percent-decoded

    def get(self, name: str) -> str | None:
        value = getattr(self, name, None)
        return value if isinstance(value, str) else None


def model_path(target: str) -> tuple[str, str | None]:
    """("model", raw segment), ("list", None) or ("other", None) for a request target."""
    match = MODELS_PATH.search(urlsplit(target).path)
    if match is None:
        return "other", None
    segment = match.group("segment")
    return ("list", None) if segment is None else ("model", segment)


def credential_form(request: Request) -> str:
    """ "x-api-key", "bearer", "other" (an authorization header of another scheme) or "none"."""
    if request.header("x-api-key") is not None:
        return "x-api-key"
    authorization = request.header("authorization")
    if authorization is None:
        return "none"
    return "bearer" if authorization.strip().lower().startswith("bearer") else "other"


def _status(status: int) -> str:
    if status == 0:
        return "none"
    if status == 200:
        return "200"
    return f"{status // 100}xx" if 200 <= status < 600 else "none"


@lru_cache(maxsize=4096)
def decoded_segment(segment: str) -> str:
    """The id a path segment names (cached: every check of an exchange asks)."""
    return unquote(segment, errors="replace")


def facts_of(exchange: Exchange) -> Facts:
    request, response, probe = exchange.request, exchange.response, exchange.probe
    resource, segment = model_path(request.target)
    model_id = decoded_segment(segment) if segment is not None else None
    if exchange.source == "scenario":
        answerer = "scenario"
    else:
        answerer = "intermediary" if intermediary(response) is not None else "target"
    if model_id is not None and ("/" in model_id or model_id in (".", "..")):
        id_fact = "routing"
    else:
        id_fact = probe.intent or "any"
    headers_recorded = "request headers" not in exchange.unrecorded
    form = credential_form(request)
    if form == "none":
        form_fact = "none"
    else:
        form_fact = "contract" if form == CREDENTIAL_FORM.get(exchange.contract) else "other"
    if not headers_recorded:
        version = "any"
    else:
        version = "sent" if request.header("anthropic-version") is not None else "missing"
    betas = probe.betas or (
        "none" if headers_recorded and request.header("anthropic-beta") is None else "any"
    )
    return Facts(
        sender="suite" if exchange.source == "probe" else "client",
        answerer=answerer,
        method=request.method if request.method in ("GET", "HEAD") else "other",
        resource=resource,
        status=_status(response.status),
        id=id_fact if resource == "model" else "any",
        length="long" if model_id is not None and len(model_id) >= LONG_ID else "normal",
        encoding=(
            "canonical" if segment is None or segment == encode_segment(model_id or "") else "equivalent"
        ),
        key=probe.key or "any",
        form=form_fact,
        version=version,
        betas=betas,
        headers="recorded" if headers_recorded else "unrecorded",
        body="recorded" if "request body" not in exchange.unrecorded else "unrecorded",
        segment=segment,
        model_id=model_id,
    )
