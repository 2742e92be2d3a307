"""What the client makes of a 200: CLI-PARSE, CLI-FORWARD-COMPAT, CLI-MALFORMED."""

from __future__ import annotations

from typing import Any

from ...failures import Finding
from ..instants import same_instant
from ..protocol import Failure
from ..run import Outcome
from .findings import finding

__all__ = ["DATE_TIME_FIELDS", "SEED_FIELDS", "judge_forward_compat", "judge_malformed", "judge_parse"]

SEED_FIELDS = ("id", "created_at", "display_name", "type")
# Fields whose value is an instant: a client may expose it in another RFC 3339 shape.
DATE_TIME_FIELDS = frozenset({"created_at", "deprecated_at", "retires_at"})


def _model(requirement_id: str, outcome: Outcome) -> tuple[dict[str, Any] | None, list[Finding]]:
    answer = outcome.answer
    if isinstance(answer, Failure):
        return None, [
            finding(
                requirement_id,
                "a schema-valid BetaModelInfo was answered with an error",
                outcome,
                expected="the model",
                received=answer.describe(),
            )
        ]
    if not isinstance(answer.model, dict):
        return None, [
            finding(
                requirement_id,
                "the model is not exposed as an object",
                outcome,
                expected="an object with the model's fields",
                received=answer.model,
            )
        ]
    return answer.model, []


def judge_parse(outcome: Outcome, sent: dict[str, Any]) -> list[Finding]:
    """CLI-PARSE: ``id``, ``display_name``, ``type`` unchanged; ``created_at`` the same instant."""
    model, findings = _model("CLI-PARSE", outcome)
    if model is None:
        return findings
    for name in ("id", "display_name", "type"):
        if model.get(name) != sent[name]:
            findings.append(
                finding(
                    "CLI-PARSE",
                    f"{name} is not exposed unchanged",
                    outcome,
                    path=f"$.{name}",
                    expected=sent[name],
                    received=model.get(name, "(absent)"),
                )
            )
    if not same_instant(sent["created_at"], model.get("created_at")):
        findings.append(
            finding(
                "CLI-PARSE",
                "created_at is not the instant that was sent",
                outcome,
                path="$.created_at",
                expected=sent["created_at"],
                received=model.get("created_at", "(absent)"),
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
        out = []
        for key, value in sent.items():
            if key in kept:
                out += _differences(kept[key], value, f"{path}.{key}")
        return out
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


def judge_forward_compat(outcome: Outcome, sent: dict[str, Any]) -> list[Finding]:
    """CLI-FORWARD-COMPAT: unknown (nested) fields and new enum values neither break nor bend parsing.

    The call must succeed; every field beyond the seed's four that the client kept must hold what
    was sent (a client may drop fields it does not know). The seed's fields are CLI-PARSE's.
    """
    model, findings = _model("CLI-FORWARD-COMPAT", outcome)
    if model is None:
        return findings
    for key, value in sent.items():
        if key in SEED_FIELDS or key not in model:
            continue
        for path, expected, received in _differences(model[key], value, f"$.{key}", key in DATE_TIME_FIELDS):
            findings.append(
                finding(
                    "CLI-FORWARD-COMPAT",
                    "a field the client kept does not hold what was sent",
                    outcome,
                    path=path,
                    expected=expected,
                    received=received,
                )
            )
    return findings[:3]


def judge_malformed(outcome: Outcome, what: str) -> list[Finding]:
    """CLI-MALFORMED: a 200 that is not a BetaModelInfo surfaces as an error, not as a model."""
    if isinstance(outcome.answer, Failure):
        return []
    return [
        finding(
            "CLI-MALFORMED",
            f"a 200 whose body {what} surfaced as a model",
            outcome,
            expected="an error (invalid_response)",
            received=outcome.answer.model,
        )
    ]
