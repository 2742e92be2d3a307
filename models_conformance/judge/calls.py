"""The client requirements judged on a whole call: what it sent at all, and what it made of the answers.

Which requirements a call is judged under comes from what its script served, not from why the call
was made: every call whose last answer was a valid model is judged under CLI-PARSE, every call whose
last answer was an error envelope under CLI-ERROR-SURFACE, and so on (:mod:`.retries` for the retry
rules and the timeout). The requests themselves are judged one by one in :mod:`.requests`.
"""

from __future__ import annotations

import json

from ..client.protocol import Failure, Model
from ..client.script import Hang, Reply
from ..contract import encode_segment
from ..exchange import NOT_JSON, Response
from ..findings import Finding
from ..schemas import error_envelope_errors, model_errors, required_fields
from ..transcript import ClientCall
from . import retries
from .parsed import extra_fields, judge_model
from .scenario import call_finding
from .segments import MODEL_PREFIX, may_refuse

__all__ = ["Kind", "judge_call", "reply_kind", "requirements_of", "unjudged"]

Kind = str  # "model", "malformed: <why>", "envelope", "other"


def reply_kind(reply: Reply, contract: str) -> Kind:
    """What an answer is, for the requirements: a valid model, a 200 that is no model (and why), an
    error envelope, or something else (judged under none of them)."""
    body = Response.make(reply.status, reply.headers, reply.body).json
    if reply.status == 200:
        if isinstance(body, NOT_JSON):
            return "malformed: is not JSON"
        if not isinstance(body, dict):
            return "malformed: is not a JSON object"
        missing = [name for name in required_fields(contract) if name not in body]
        if missing:
            return f"malformed: lacks {missing[0]}"
        return "model" if next(model_errors(body, contract), None) is None else "other"
    if reply.status >= 400 and not isinstance(body, NOT_JSON):
        return "envelope" if next(error_envelope_errors(body), None) is None else "other"
    return "other"


def requirements_of(call: ClientCall) -> set[str]:
    """Every requirement the call's script raises a question of, whatever the client did."""
    if not call.call.model_id:
        return {"CLI-EMPTY-ID"}
    found = {"CLI-PATH"}
    for step in call.script.steps:
        if isinstance(step, Hang):
            found.add("CLI-TIMEOUT")
            continue
        kind = reply_kind(step, call.contract)
        if kind == "model":
            found.add("CLI-PARSE")
            if extra_fields(json.loads(step.body), call.contract):
                found.add("CLI-FORWARD-COMPAT")
        elif kind.startswith("malformed"):
            found.add("CLI-MALFORMED")
        elif kind == "envelope":
            found.add("CLI-ERROR-SURFACE")
        found |= retries.requirements_of_reply(step, call.call.max_retries)
    return found


def judge_call(call: ClientCall) -> dict[str, list[Finding]]:
    """Findings per requirement the call was judged under (absent: not judged; empty: passed)."""
    if call.answer is None:
        return retries.judge_hung(call)  # no answer: a hung call is CLI-TIMEOUT's, else a harness error
    if not call.call.model_id:
        return {"CLI-EMPTY-ID": _empty_id(call, call.answer)}
    judged: dict[str, list[Finding]] = {"CLI-PATH": _path(call, call.answer)}
    last = call.script.step(len(call.received) - 1) if call.received else None
    if isinstance(last, Reply):
        kind = reply_kind(last, call.contract)
        if kind == "model":
            judged.update(judge_model(call, call.answer, json.loads(last.body)))
        elif kind.startswith("malformed"):
            judged["CLI-MALFORMED"] = _malformed(call, call.answer, kind.partition(": ")[2])
        elif kind == "envelope":
            judged["CLI-ERROR-SURFACE"] = _error_surface(call, call.answer, last)
    judged.update(retries.judge_retries(call))
    judged.update(retries.judge_timeout(call))
    return judged


def unjudged(call: ClientCall) -> set[str]:
    """The requirements a call would have been judged under, had the harness got its answer."""
    if call.harness_error is None:
        return set()
    judged = judge_call(call)
    if judged.get("CLI-TIMEOUT"):
        return set()  # a call the server never answered, that outlived its timeout: the client's fault
    return requirements_of(call) - set(judged)


def _empty_id(call: ClientCall, answer: Model | Failure) -> list[Finding]:
    """CLI-EMPTY-ID: no request at all, under the base URL or anywhere else, and no model."""
    sent = call.received + call.stray
    if sent:
        first = sent[0]
        path = first.raw_path[len(call.prefix) :] if call.received else first.raw_path
        return [
            call_finding(
                call,
                "CLI-EMPTY-ID",
                "an empty model_id was sent as a request",
                "request.path",
                "no request: an error before sending",
                f"{first.method} {path or '/'}",
                request=0 if call.received else None,
            )
        ]
    if isinstance(answer, Model):
        return [
            call_finding(
                call,
                "CLI-EMPTY-ID",
                "an empty model_id gave a successful answer",
                "$",
                "an error (invalid_argument)",
                answer.model,
            )
        ]
    return []


def _path(call: ClientCall, answer: Model | Failure) -> list[Finding]:
    """CLI-PATH for the call: a request for every non-empty id (one a client may refuse aside), and
    none outside the base URL's path."""
    model_id = call.call.model_id
    expected = call.prefix + MODEL_PREFIX + encode_segment(model_id)
    if call.stray:
        return [
            call_finding(
                call,
                "CLI-PATH",
                "a request left the base URL's path",
                "request.path",
                expected,
                call.stray[0].raw_path,
                request=None,
            )
        ]
    if call.received or (may_refuse(model_id) and isinstance(answer, Failure)):
        return []
    return [
        call_finding(
            call,
            "CLI-PATH",
            "the client sent no request for a non-empty id",
            "request",
            expected,
            "a model" if isinstance(answer, Model) else answer.describe(),
        )
    ]


def _malformed(call: ClientCall, answer: Model | Failure, why: str) -> list[Finding]:
    """CLI-MALFORMED: a 200 that is no BetaModelInfo surfaces as an error, not as a half-filled model."""
    if isinstance(answer, Failure):
        return []
    field = why.removeprefix("lacks ") if why.startswith("lacks ") else None
    what = "lacks a required field" if field else why
    return [
        call_finding(
            call,
            "CLI-MALFORMED",
            f"a 200 whose body {what} surfaced as a model",
            f"$.{field}" if field else "$",
            "an error (invalid_response)",
            answer.model,
        )
    ]


def _error_surface(call: ClientCall, answer: Model | Failure, reply: Reply) -> list[Finding]:
    """CLI-ERROR-SURFACE: the status, the envelope's ``error.type`` and message, and the ``request-id``
    header all come through; a client may wrap the message in words of its own."""
    error = json.loads(reply.body)["error"]
    expected = {
        "status": reply.status,
        "type": error["type"],
        "message": error["message"],
        "request_id": reply.header("request-id"),
    }
    if not isinstance(answer, Failure):
        return [
            call_finding(
                call,
                "CLI-ERROR-SURFACE",
                "an error envelope surfaced as a model",
                "$",
                "an error",
                answer.model,
            )
        ]
    received = {
        "status": answer.status,
        "type": answer.type,
        "message": answer.message,
        "request_id": answer.request_id,
    }
    wrong = [name for name, value in expected.items() if received[name] != value]
    if "message" in wrong and isinstance(answer.message, str) and expected["message"] in answer.message:
        wrong.remove("message")
    if not wrong:
        return []
    return [
        call_finding(
            call,
            "CLI-ERROR-SURFACE",
            f"the error does not expose the answer's {', '.join(wrong)}",
            "error",
            {k: expected[k] for k in wrong},
            {k: received[k] for k in wrong},
        )
    ]
