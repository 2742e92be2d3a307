"""The connector protocol (version 1): what the suite asks a client to do, and what it answers.

One JSON object per line each way, in order. The suite sends ``{"op": "hello"}``, then any number of
``{"op": "retrieve", ...}``, then ``{"op": "stop"}``. An in-process Python client answers the same
dicts from :meth:`Client.retrieve <models_conformance.client.inprocess.Client.retrieve>`, so both kinds of
client are judged from the same data.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, Literal, Protocol, get_args

__all__ = [
    "KINDS",
    "PROTOCOL_VERSION",
    "Answer",
    "Call",
    "CallTimedOut",
    "Driver",
    "Failure",
    "HarnessError",
    "Kind",
    "Model",
    "call_deadline",
    "hello_takes_betas",
    "parse_answer",
    "parse_hello",
]

PROTOCOL_VERSION = 1

Kind = Literal["status", "connection", "timeout", "invalid_argument", "invalid_response", "other"]
KINDS: tuple[str, ...] = get_args(Kind)

# Time a connector or client gets beyond what the call itself may take (its timeouts and retry
# delays): process scheduling, a slow runtime, a garbage collection.
GRACE_S = 3.0
# The longest back-off between two retries that the official SDKs use (8 s); a client may wait that long.
MAX_BACKOFF_S = 8.0


class HarnessError(Exception):
    """The client could not be judged: its connector crashed, hung, or broke the protocol.

    Not a verdict on the client's conformance; the check reports it as a harness error.
    """


class CallTimedOut(HarnessError):
    """No answer to one call within its deadline (a hung connector, or a client without a timeout)."""

    def __init__(self, message: str, after_s: float) -> None:
        super().__init__(message)
        self.after_s = after_s


@dataclass(frozen=True)
class Call:
    """One ``retrieve`` request to the client under test."""

    base_url: str
    api_key: str
    model_id: str
    betas: tuple[str, ...] | None = None
    max_retries: int = 0
    timeout_s: float = 5.0
    # Extra seconds the call may take on purpose (retry-after delays the scenario asks for).
    expected_delay_s: float = 0.0

    def message(self) -> dict[str, Any]:
        data = asdict(self)
        del data["expected_delay_s"]
        data["betas"] = None if self.betas is None else list(self.betas)
        return {"op": "retrieve", **data}

    def describe(self) -> str:
        betas = "None" if self.betas is None else repr(list(self.betas))
        return (
            f"retrieve(model_id={self.model_id!r}, betas={betas}, "
            f"max_retries={self.max_retries}, timeout_s={self.timeout_s})"
        )


def call_deadline(call: Call) -> float:
    """Seconds after which a call that has not answered counts as hung."""
    attempts = call.max_retries + 1
    return attempts * call.timeout_s + call.max_retries * MAX_BACKOFF_S + call.expected_delay_s + GRACE_S


@dataclass(frozen=True)
class Model:
    """The call succeeded: ``model`` is what the client exposes (normally an object)."""

    model: Any
    ok: Literal[True] = True


@dataclass(frozen=True)
class Failure:
    """The call failed; what the client's error exposes."""

    kind: Kind
    status: int | None = None
    type: str | None = None
    message: str | None = None
    request_id: str | None = None
    ok: Literal[False] = False

    def describe(self) -> str:
        shown = {k: v for k, v in asdict(self).items() if v is not None and k != "ok"}
        return "an error " + json.dumps(shown, ensure_ascii=False)


Answer = Model | Failure


class Driver(Protocol):
    """A client under test as the suite drives it: a connector process or an in-process client.

    ``takes_betas`` is False for a call that has no betas parameter (the non-beta
    ``client.models.retrieve``): the CLI-BETAS cases that give betas do not apply to it.
    """

    name: str
    version: str
    takes_betas: bool

    def answer(self, call: Call) -> Answer:
        """The client's answer to ``call``; :class:`HarnessError` when it cannot give one."""
        ...

    def describe(self) -> str:
        """How the client is driven, for the report (e.g. ``connector: node index.mjs``)."""
        ...

    def close(self) -> None: ...


def _optional(error: dict[str, Any], name: str, kind: type) -> Any:
    value = error.get(name)
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise HarnessError(f"error.{name} must be a {kind.__name__} or null, got {value!r}")
    return value


def parse_answer(data: Any) -> Answer:
    """The answer to a ``retrieve``; :class:`HarnessError` says how it breaks the protocol."""
    if not isinstance(data, dict) or not isinstance(data.get("ok"), bool):
        raise HarnessError(f'an answer must be an object with "ok": true or false, got {_short(data)}')
    if data["ok"]:
        if "model" not in data:
            raise HarnessError(f'a successful answer must carry "model", got {_short(data)}')
        return Model(data["model"])
    error = data.get("error")
    if not isinstance(error, dict):
        raise HarnessError(f'a failed answer must carry an "error" object, got {_short(data)}')
    kind = error.get("kind")
    if kind not in KINDS:
        raise HarnessError(f"error.kind must be one of {', '.join(KINDS)}, got {kind!r}")
    return Failure(
        kind=kind,
        status=_optional(error, "status", int),
        type=_optional(error, "type", str),
        message=_optional(error, "message", str),
        request_id=_optional(error, "request_id", str),
    )


def parse_hello(data: Any) -> tuple[str, str]:
    """The client's ``(name, version)`` from its answer to ``hello``."""
    if not isinstance(data, dict) or data.get("ok") is not True:
        raise HarnessError(
            f'the answer to hello must be {{"ok": true, "name": ..., "version": ...}}, got {_short(data)}'
        )
    protocol = data.get("protocol", PROTOCOL_VERSION)
    if protocol != PROTOCOL_VERSION:
        raise HarnessError(
            f"the connector speaks protocol {protocol!r}; this suite speaks {PROTOCOL_VERSION}"
        )
    name, version = data.get("name"), data.get("version")
    if not isinstance(name, str) or not isinstance(version, str):
        raise HarnessError(f"hello must name the client: string name and version, got {_short(data)}")
    if not isinstance(data.get("betas", True), bool):
        raise HarnessError(f'hello\'s "betas" must be true or false, got {_short(data["betas"])}')
    return name, version


def hello_takes_betas(data: dict[str, Any]) -> bool:
    """Whether the client's call takes betas: hello's optional ``"betas"`` (true when left out)."""
    return bool(data.get("betas", True))


def _short(value: Any, limit: int = 200) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"
