"""Client conformance: judge any SDK or client, in any language, against the contract.

A client is driven either through a connector process (any language; :mod:`.protocol` describes
the JSON-lines protocol) or in this process (:class:`Client`: the official ``anthropic`` SDK or a
user's own). Each check scripts the answers of the scenario server, has the client retrieve a model
from it, and judges what the client sent and what it made of the answers.
"""

from .connector import Connector, ConnectorMissing, ConnectorUnavailable
from .inprocess import AnthropicClient, Client, ClientSpecError, InProcess, load
from .protocol import PROTOCOL_VERSION, Answer, Call, CallTimedOut, Driver, Failure, HarnessError, Model
from .run import ClientRun, Outcome
from .scenario import (
    Hang,
    Received,
    Reply,
    ScenarioServer,
    Script,
    error_reply,
    http_date_ahead,
    model_reply,
    raw_reply,
)

__all__ = [
    "PROTOCOL_VERSION",
    "Answer",
    "AnthropicClient",
    "Call",
    "CallTimedOut",
    "Client",
    "ClientRun",
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
    "Outcome",
    "Received",
    "Reply",
    "ScenarioServer",
    "Script",
    "error_reply",
    "http_date_ahead",
    "load",
    "model_reply",
    "raw_reply",
]
