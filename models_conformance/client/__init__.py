"""Client conformance: judge any SDK or client, in any language, against the contract.

A client is driven either through a connector process (any language; :mod:`.protocol` describes
the JSON-lines protocol) or in this process (:class:`Client`: the official ``anthropic`` SDK or a
user's own). :func:`run_client` plays the scenario's calls on a scripted server and returns a
transcript of what the client sent and answered; :func:`models_conformance.judge.judge` judges it.

Names are imported on first use: the judge reads the protocol's types without loading the runner.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .connector import Connector, ConnectorMissing, ConnectorUnavailable
    from .inprocess import AnthropicClient, Client, ClientSpecError, InProcess, load
    from .protocol import PROTOCOL_VERSION, Answer, Call, CallTimedOut, Driver, Failure, HarnessError, Model
    from .run import run_client
    from .scenario import ScenarioServer
    from .script import Hang, Received, Reply, Script, error_reply, http_date_ahead, model_reply, raw_reply

_LAZY = {
    "Connector": "connector",
    "ConnectorMissing": "connector",
    "ConnectorUnavailable": "connector",
    "AnthropicClient": "inprocess",
    "Client": "inprocess",
    "ClientSpecError": "inprocess",
    "InProcess": "inprocess",
    "load": "inprocess",
    "PROTOCOL_VERSION": "protocol",
    "Answer": "protocol",
    "Call": "protocol",
    "CallTimedOut": "protocol",
    "Driver": "protocol",
    "Failure": "protocol",
    "HarnessError": "protocol",
    "Model": "protocol",
    "run_client": "run",
    "ScenarioServer": "scenario",
    "Hang": "script",
    "Received": "script",
    "Reply": "script",
    "Script": "script",
    "error_reply": "script",
    "http_date_ahead": "script",
    "model_reply": "script",
    "raw_reply": "script",
}

__all__ = [
    "PROTOCOL_VERSION",
    "Answer",
    "AnthropicClient",
    "Call",
    "CallTimedOut",
    "Client",
    "ClientSpecError",
    "Connector",
    "ConnectorMissing",
    "ConnectorUnavailable",
    "Driver",
    "Failure",
    "Hang",
    "HarnessError",
    "InProcess",
    "Model",
    "Received",
    "Reply",
    "ScenarioServer",
    "Script",
    "error_reply",
    "http_date_ahead",
    "load",
    "model_reply",
    "raw_reply",
    "run_client",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
