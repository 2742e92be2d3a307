"""What a client made of a valid model: CLI-PARSE for the seed's fields, CLI-FORWARD-COMPAT for the rest.

Instants are compared as instants (``created_at`` may come back in another RFC 3339 shape), numbers
as JSON numbers, and a field the client dropped is no difference: only what it kept is held to what
was sent.
"""

from __future__ import annotations

from typing import Any

from ..client.protocol import Failure, Model
from ..findings import MISSING, Finding
from ..rfc3339 import same_instant
from ..schemas import required_fields
from ..transcript import ClientCall
from .scenario import call_finding

__all__ = ["DATE_TIME_FIELDS", "extra_fields", "judge_model"]

# Fields whose value is an instant: a client may expose it in another RFC 3339 shape.
DATE_TIME_FIELDS = frozenset({"created_at", "deprecated_at", "retires_at"})
_UNCHANGED = ("id", "display_name", "type")


def extra_fields(body: dict[str, Any], contract: str) -> bool:
    """Whether a valid model carries fields the seed does not describe (later or unknown ones)."""
    return bool(set(body) - set(required_fields(contract)))


def judge_model(call: ClientCall, answer: Model | Failure, sent: dict[str, Any]) -> dict[str, list[Finding]]:
    """CLI-PARSE for the seed's fields; CLI-FORWARD-COMPAT when the model carries more. A client that
    fails on the fields it does not know fails CLI-FORWARD-COMPAT alone."""
    extra = extra_fields(sent, call.contract)
    judged: dict[str, list[Finding]] = {}
    if isinstance(answer, Failure):
        requirement = "CLI-FORWARD-COMPAT" if extra else "CLI-PARSE"
        what = "a valid model with fields the seed does not describe" if extra else "a valid model"
        judged[requirement] = [
            call_finding(
                call, requirement, f"{what} surfaced as an error", "$", "the model", answer.describe()
            )
        ]
        return judged
    if not isinstance(answer.model, dict):
        judged["CLI-PARSE"] = [
            call_finding(
                call,
                "CLI-PARSE",
                "the model is not exposed as an object",
                "$",
                "an object with the model's fields",
                answer.model,
            )
        ]
        return judged
    judged["CLI-PARSE"] = _parse(call, answer.model, sent)
    if extra:
        judged["CLI-FORWARD-COMPAT"] = _forward_compat(call, answer.model, sent)
    return judged


def _parse(call: ClientCall, model: dict[str, Any], sent: dict[str, Any]) -> list[Finding]:
    """CLI-PARSE: ``id``, ``display_name``, ``type`` unchanged; ``created_at`` the same instant."""
    findings = [
        call_finding(
            call,
            "CLI-PARSE",
            f"{name} is not exposed unchanged",
            f"$.{name}",
            sent[name],
            model.get(name, MISSING),
        )
        for name in _UNCHANGED
        if model.get(name, MISSING) != sent[name]
    ]
    if not same_instant(sent["created_at"], model.get("created_at")):
        findings.append(
            call_finding(
                call,
                "CLI-PARSE",
                "created_at is not the instant that was sent",
                "$.created_at",
                sent["created_at"],
                model.get("created_at", MISSING),
            )
        )
    return findings


def _differences(kept: Any, sent: Any, path: str, instant: bool = False) -> list[tuple[str, Any, Any]]:
    """Where a value the client kept differs from what was sent; keys it dropped are not differences."""
    if instant and isinstance(sent, str):
        return [] if same_instant(sent, kept) else [(path, sent, kept)]
    if isinstance(sent, dict):
        if not isinstance(kept, dict):
            return [(path, sent, kept)]
        return [
            d
            for key, value in sent.items()
            if key in kept
            for d in _differences(kept[key], value, f"{path}.{key}")
        ]
    if isinstance(sent, list):
        if not isinstance(kept, list) or len(kept) != len(sent):
            return [(path, sent, kept)]
        return [
            d
            for index, (k, s) in enumerate(zip(kept, sent, strict=True))
            for d in _differences(k, s, f"{path}[{index}]")
        ]
    if isinstance(sent, bool) or isinstance(kept, bool):
        return [] if kept is sent else [(path, sent, kept)]
    if isinstance(sent, int | float) and isinstance(kept, int | float):
        # JSON has one number type, which many clients hold as a double: 1 is 1.0, and 6.6e16 may
        # come back written as 66285738278717950 (the same double, printed by another algorithm).
        return [] if float(kept) == float(sent) else [(path, sent, kept)]
    return [] if kept == sent else [(path, sent, kept)]


def _forward_compat(call: ClientCall, model: dict[str, Any], sent: dict[str, Any]) -> list[Finding]:
    """CLI-FORWARD-COMPAT: every field beyond the seed's that the client kept holds what was sent (a
    client may drop fields it does not know); the seed's fields are CLI-PARSE's."""
    findings = [
        call_finding(
            call,
            "CLI-FORWARD-COMPAT",
            "a field the client kept does not hold what was sent",
            path,
            expected,
            received,
        )
        for key, value in sent.items()
        if key not in required_fields(call.contract) and key in model
        for path, expected, received in _differences(model[key], value, f"$.{key}", key in DATE_TIME_FIELDS)
    ]
    return findings[:3]
