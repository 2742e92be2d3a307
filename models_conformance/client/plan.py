"""The client scenario's fixed calls: what each asks the client, what the server answers, what it probes.

Every call is judged under every requirement its answers raise (``judge.calls``), and every request
it makes under the request rules (``judge.requests``), so a call serves several requirements at
once: the error probes are retried with a wait asked for and surfaced at the end (CLI-RETRY,
CLI-RETRY-AFTER, CLI-ERROR-SURFACE), with an id that needs encoding and betas on every attempt, so
that a client that builds its retries apart from the first request shows it. Deliberate waits are
few and short: the run against the official SDK takes about ten seconds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .. import SEED_EXAMPLE
from ..contract import ERROR_TYPES
from ..schemas import known_betas
from .generate import EXAMPLE_IDS
from .script import Hang, Reply, Script, error_reply, http_date_ahead, implied_type, model_reply, raw_reply

__all__ = ["BETAS", "HANG_TIMEOUT_S", "QUICK", "RETRY_ID", "Planned", "fixed_calls", "seed_model"]

# Asked of every retry that is not about the delay itself, so that retries take milliseconds.
QUICK = {"retry-after-ms": "20"}
# A client's timeout when the server never answers.
HANG_TIMEOUT_S = 0.5
# Retried calls ask for an id that must be encoded (space, "/", non-ASCII): a retry built anew shows.
RETRY_ID = "claude opus/4.6 ü"
_KNOWN = known_betas()
# Not in the registry's order, and one value no list knows: betas are open strings.
BETAS = (_KNOWN[5], _KNOWN[1], "conformance-future-beta-2099-01-01")
# Statuses the errors table names, those retried and those never retried: each probed once.
_STATUSES = sorted({*ERROR_TYPES, 408, 409, 422, 503})
# Envelopes whose error.type is not the one their status implies: the body says what the error is.
_OTHER_TYPES = ((404, "invalid_request_error"), (403, "authentication_error"), (503, "overloaded_error"))
_CREATED_AT = (
    "2026-02-04T00:00:00Z",
    "1970-01-01T00:00:00Z",
    "2026-02-04t10:20:30.5z",
    "2024-02-29T23:59:59.123456789+14:00",
    "2026-02-04T00:00:00-00:00",
    "0001-01-02T00:00:00+23:59",
)


@dataclass(frozen=True)
class Planned:
    """One call of the plan; ``script`` may be made when the call starts (an HTTP date ahead of now)."""

    script: Script | Callable[[], Script]
    shape: str  # what the call probes, for grouping findings
    model_id: str = SEED_EXAMPLE["id"]
    betas: tuple[str, ...] | None = None
    max_retries: int = 0
    timeout_s: float | None = None  # None: the run's timeout

    def make_script(self) -> Script:
        return self.script() if callable(self.script) else self.script


def seed_model(contract: str, **fields: Any) -> dict[str, Any]:
    """The seed's example model (with the lifecycle 2026-10-21 requires), ``fields`` changed."""
    extra = {"lifecycle": "active"} if contract == "2026-10-21" else {}
    return {**SEED_EXAMPLE, **extra, **fields}


def _without(contract: str, name: str) -> Reply:
    body = {key: value for key, value in seed_model(contract).items() if key != name}
    return raw_reply(200, json.dumps(body).encode(), "application/json")


def fixed_calls(contract: str, *, takes_betas: bool) -> Iterator[Planned]:
    """Every fixed call of the scenario, in order; the explorations are :mod:`.generate`'s."""
    betas = BETAS if takes_betas else None
    model = seed_model(contract)
    for model_id in EXAMPLE_IDS:
        yield Planned(Script.of(model_reply({**model, "id": model_id})), "an id of each path rule", model_id)
    listing = {"data": [model], "has_more": False, "first_id": model["id"], "last_id": model["id"]}
    # What a careless client would reach: the list endpoint, whose 200 it might take for an answer.
    yield Planned(Script.of(model_reply(listing)), "an empty id", "")
    yield Planned(Script.of(model_reply(model)), "no betas")
    if takes_betas:
        yield Planned(Script.of(model_reply(model)), "one beta", betas=_KNOWN[:1])
        yield Planned(Script.of(model_reply(model)), "three betas in order", betas=BETAS)
    yield from _models(contract)
    yield from _errors(betas)
    yield from _retries(model, betas)
    yield Planned(Script.of(Hang()), "a server that never answers", timeout_s=HANG_TIMEOUT_S)


def _models(contract: str) -> Iterator[Planned]:
    model = seed_model(contract)
    bodies = [model, {**model, "display_name": "Claude \u00d6pus \U0001f600 \u6a21\u578b"}]
    bodies += [{**model, "created_at": created_at} for created_at in _CREATED_AT]
    for body in bodies:
        yield Planned(Script.of(model_reply(body)), "a valid model")
    future = {
        **model,
        "line": "conformance-future-line",
        "capabilities": {"conformance_future": {"supported": True, "modes": {"fast": {"supported": False}}}},
        "conformance_future_field": {"nested": [1, 2.5, None, {"deep": True}], "text": "\u00e9"},
    }
    yield Planned(Script.of(model_reply(future)), "a model with fields the seed does not describe")
    malformed = {
        "is cut short": raw_reply(200, json.dumps(model).encode()[:30], "application/json"),
        "is an HTML page": raw_reply(200, b"<html><body>Bad gateway</body></html>", "text/html"),
        "is a JSON array": raw_reply(200, b"[]", "application/json"),
        **{
            f"lacks {name}": _without(contract, name) for name in ("id", "created_at", "display_name", "type")
        },
    }
    for reply in malformed.values():
        yield Planned(Script.of(reply), "a 200 that is no model")


def _errors(betas: tuple[str, ...] | None) -> Iterator[Planned]:
    """One error envelope per status, retried (or not) with a short wait asked, then surfaced."""
    probes = [(status, implied_type(status), "an error envelope") for status in _STATUSES]
    probes += [(status, kind, "an error.type its status does not imply") for status, kind in _OTHER_TYPES]
    for status, error_type, shape in probes:
        reply = error_reply(status, f"conformance probe: HTTP {status} ({error_type})", QUICK, error_type)
        yield Planned(Script.of(reply), shape, RETRY_ID, betas, max_retries=2)


def _retries(model: dict[str, Any], betas: tuple[str, ...] | None) -> Iterator[Planned]:
    """Retries that end with the model, each wait asked for in another way; and the header overrides."""
    retry_model = model_reply({**model, "id": RETRY_ID})
    script = Script.of(error_reply(503, headers=QUICK), retry_model)
    yield Planned(script, "a 503, then the model", RETRY_ID, betas, max_retries=2)
    # No retry header: the client retries at its own pace.
    yield Planned(Script.of(error_reply(500), retry_model), "a 500 with no wait asked", RETRY_ID, betas, 1)
    # Both waits above the official SDKs' first back-off (0.5 s), so that a client ignoring them shows.
    for header, value in (("retry-after-ms", "600"), ("retry-after", "1")):
        script = Script.of(error_reply(429, headers={header: value}), retry_model)
        yield Planned(script, f"a 429 asking for a wait in {header}", RETRY_ID, betas, 1)
    yield Planned(
        lambda: _dated(retry_model), "a 429 asking for a wait until an HTTP date", RETRY_ID, betas, 1
    )
    for status, flag, max_retries in ((404, "true", 1), (503, "false", 2)):
        headers = {**QUICK, "x-should-retry": flag}
        script = Script.of(error_reply(status, headers=headers), retry_model)
        yield Planned(script, f"x-should-retry: {flag} on a {status}", RETRY_ID, betas, max_retries)


def _dated(then: Reply) -> Script:
    # An HTTP date has whole seconds: the client is held to the second written, at least 0.6 s ahead.
    value, _ = http_date_ahead(0.6)
    return Script.of(error_reply(429, headers={"retry-after": value}), then)
