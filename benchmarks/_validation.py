"""Schema validation per response: the validators the checks use, on the reference server's own bodies."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from _common import CONTRACT, KEY, MODEL_PATH
from _results import median


def validation_cost(base_url: str, rounds: int = 7, calls: int = 2000) -> dict[str, Any]:
    """Microseconds per response for the validators the checks use, on the reference server's own bodies."""
    import httpx

    plain = {"x-api-key": KEY, "anthropic-version": "2023-06-01"}
    bearer = {"authorization": f"Bearer {KEY}", "anthropic-version": "2026-10-21"}
    cases = [
        ("200 model, 2023-06-01 (x-api-key)", MODEL_PATH, plain, "2023-06-01"),
        (
            "200 model, 2026-10-21 ?beta=true (Bearer; the largest body)",
            MODEL_PATH + "?beta=true",
            bearer,
            "2026-10-21",
        ),
        ("404 error envelope", "/v1/models/no-such-model", plain, CONTRACT),
    ]
    with httpx.Client(trust_env=False, timeout=10.0) as client:
        rows = [
            _validation_case(base_url, path, headers, client, label, contract, rounds, calls)
            for label, path, headers, contract in cases
        ]
    return {"rows": rows, "worst_validate_us": max(row["validate_us"] for row in rows)}


def _validation_case(
    base_url: str,
    path: str,
    headers: dict[str, str],
    client: Any,
    label: str,
    contract: str,
    rounds: int,
    calls: int,
) -> dict[str, Any]:
    from models_conformance import schemas
    from models_conformance.exchange import Exchange, Request, Response
    from models_conformance.observations import Observations

    response = client.get(base_url + path, headers=headers)
    body = response.json()
    model = response.status_code == 200
    stock = schemas.model_validator(contract) if model else schemas.error_validator()

    def checks_validation() -> list[Any]:
        # What judge_model_body / judge_error_envelope run for this response.
        return list(schemas.model_errors(body, contract) if model else schemas.error_envelope_errors(body))

    errors = list(stock.iter_errors(body)) or checks_validation()
    if errors:
        raise RuntimeError(f"{label}: the reference server's body is invalid: {errors[0].message}")
    request = Request.make("GET", base_url, path, headers)
    status, pairs, content = response.status_code, response.headers.multi_items(), response.content
    observations = Observations()

    def judge_one() -> None:
        # A fresh Response each time, so that the JSON parse is paid as in a real run.
        observations(Exchange(request, Response.make(status, pairs, content), contract=contract), True)

    def per_call(fn: Callable[[], object]) -> float:
        samples = []
        for _ in range(rounds):
            start = time.perf_counter()
            for _ in range(calls):
                fn()
            samples.append((time.perf_counter() - start) / calls * 1e6)
        return median(samples)

    return {
        "response": label,
        "bytes": len(content),
        "validate_us": per_call(checks_validation),
        "stock_us": per_call(lambda: list(stock.iter_errors(body))),
        "judge_us": per_call(judge_one),
    }
