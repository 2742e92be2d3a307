"""The connector protocol (version 1): what the suite asks a client to do, and what it answers.

One JSON object per line each way, in order. The suite sends ``{"op": "hello"}``, then any number of
``{"op": "retrieve", ...}``, then ``{"op": "stop"}``. An in-process Python client answers the same
dicts from :meth:`Client.retrieve <models_conformance.client.inprocess.Client.retrieve>`, so both kinds of
client are judged from the same data. Every message has a JSON Schema (:mod:`.messages`); an answer
that breaks its schema is a :class:`HarnessError`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol, get_args

from .messages import violation

__all__ = [
    "HELLO",
    "KINDS",
    "PROTOCOL_VERSION",
    "STOP",
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
HELLO: dict[str, Any] = {"op": "hello", "protocol": PROTOCOL_VERSION}
STOP: dict[str, Any] = {"op": "stop"}

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
    api_key: str = field(repr=False)  # a user may configure a real key: kept out of tracebacks
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


def call_deadline(call: Call, grace_s: float = GRACE_S) -> float:
    """Seconds after which a call that has not answered counts as hung."""
    attempts = call.max_retries + 1
    return attempts * call.timeout_s + call.max_retries * MAX_BACKOFF_S + call.expected_delay_s + grace_s


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


def parse_answer(data: Any) -> Answer:
    """The answer to a ``retrieve``; :class:`HarnessError` says how it breaks the protocol."""
    _check("retrieve-answer", data)
    if data["ok"]:
        return Model(data["model"])
    error = data["error"]
    return Failure(
        kind=error["kind"],
        status=error.get("status"),
        type=error.get("type"),
        message=error.get("message"),
        request_id=error.get("request_id"),
    )


def parse_hello(data: Any) -> tuple[str, str]:
    """The client's ``(name, version)`` from its answer to ``hello``."""
    # Checked first: another version's answer may well have another shape.
    protocol = data.get("protocol", PROTOCOL_VERSION) if isinstance(data, dict) else PROTOCOL_VERSION
    if protocol != PROTOCOL_VERSION:
        raise HarnessError(
            f"the connector speaks protocol {protocol!r}; this suite speaks {PROTOCOL_VERSION}"
        )
    _check("hello-answer", data)
    return data["name"], data["version"]


def hello_takes_betas(data: dict[str, Any]) -> bool:
    """Whether the client's call takes betas: hello's optional ``"betas"`` (true when left out)."""
    return bool(data.get("betas", True))


def _check(name: str, data: Any) -> None:
    problem = violation(name, data)
    if problem is not None:
        op = name.removesuffix("-answer")
        raise HarnessError(f"the answer to {op} breaks the connector protocol: {problem}")
