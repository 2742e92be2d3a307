"""What judging one answer costs, on the reference server's own bodies: the schema validation the judge
runs, stock jsonschema on the same schema, and ``judge_answer`` (every check that applies to the answer)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from _common import KEY, MODEL_PATH
from _results import median

# (label, request target, headers, contract, what the probe meant)
CASES = (
    ("200 model, 2023-06-01 (x-api-key)", MODEL_PATH, {"x-api-key": KEY}, "2023-06-01", "model"),
    (
        "200 model, 2026-10-21 ?beta=true (Bearer; the largest body)",
        MODEL_PATH + "?beta=true",
        {"authorization": f"Bearer {KEY}"},
        "2026-10-21",
        "model",
    ),
    ("404 error envelope", "/v1/models/no-such-model", {"x-api-key": KEY}, "2023-06-01", "nothing"),
)


def validation_cost(base_url: str, rounds: int = 7, calls: int = 2000) -> dict[str, Any]:
    """Microseconds per answer, medians of ``rounds`` timings of ``calls`` calls each."""
    import httpx

    with httpx.Client(trust_env=False, timeout=10.0) as client:
        rows = [
            _case(
                client, base_url, label, target, {**headers, "anthropic-version": contract}, contract, intent
            )
            for label, target, headers, contract, intent in CASES
        ]
        # judge_answer's own cost grows with the id; the phase's longest ids are 10,000 characters.
        long_id = "/v1/models/" + "%C3%BC" * 10_000
        headers = {"x-api-key": KEY, "anthropic-version": "2023-06-01"}
        label = "404 to a generated id of 10,000 characters (ü)"
        rows.append(_case(client, base_url, label, long_id, headers, "2023-06-01", "nothing", calls // 20))
    return {"rows": rows, "worst_validate_us": max(row["validate_us"] for row in rows)}


def _per_call(fn: Callable[[], object], rounds: int, calls: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls * 1e6)
    return median(samples)


def _case(
    client: Any,
    base_url: str,
    label: str,
    target: str,
    headers: dict[str, str],
    contract: str,
    intent: str,
    calls: int = 2000,
    rounds: int = 7,
) -> dict[str, Any]:
    from models_conformance import schemas
    from models_conformance.exchange import Exchange, Probe, Request, Response
    from models_conformance.judge import judge_answer

    answer = client.get(base_url + target, headers=headers)
    body = answer.json()
    model = answer.status_code == 200
    stock = schemas.model_validator(contract) if model else schemas.error_validator()

    def validation() -> list[Any]:
        # What the judge's body and envelope checks run for this answer.
        return list(schemas.model_errors(body, contract) if model else schemas.error_envelope_errors(body))

    errors = list(stock.iter_errors(body)) or validation()
    if errors:
        raise RuntimeError(f"{label}: the reference server's body is invalid: {errors[0].message}")
    request = Request.make("GET", base_url, target, headers)
    status, pairs, content = answer.status_code, answer.headers.multi_items(), answer.content
    probe = Probe(intent=intent, key="valid")

    def judged() -> None:
        # A fresh Response each time, so that the JSON parse is paid as in a run.
        exchange = Exchange(request, Response.make(status, pairs, content), contract=contract, probe=probe)
        if judge_answer(exchange):
            raise RuntimeError(f"{label}: the judge finds fault with the reference server's answer")

    judged()
    return {
        "response": label,
        "bytes": len(content),
        "validate_us": _per_call(validation, rounds, calls),
        "stock_us": _per_call(lambda: list(stock.iter_errors(body)), rounds, calls),
        "judge_us": _per_call(judged, rounds, calls),
    }
