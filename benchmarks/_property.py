"""The property-based phase (SRV-NO-5XX) in examples per second: the suite against its peers.

The real suite, timed by ``conformance_bench_timing.py``; Schemathesis on ``schemas/openapi.yaml``; a
raw httpx loop replaying the suite's requests (the floor); and hypothesis alone (the bound).
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _common import (
    BENCH_DIR,
    CONTRACT,
    HEADERS,
    KEY,
    OPENAPI,
    SEED,
    Peer,
    Unavailable,
    log,
    models_conformance,
    run,
    tail,
    tool,
)
from _results import median, median_of, median_ratio


def suite_property_phase(base_url: str, examples: int, workdir: Path, rep: int) -> dict[str, Any]:
    """One run of the real suite's SRV-NO-5XX test alone, timed around its call phase."""
    out = workdir / f"suite-timing-{rep}.json"
    env = dict(os.environ)
    env["CONFORMANCE_BENCH_TIMING"] = str(out)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BENCH_DIR), env.get("PYTHONPATH")]))
    cmd = [
        *models_conformance(),
        "server",
        "--base-url",
        base_url,
        "--api-key",
        KEY,
        "--examples",
        str(examples),
        "--seed",
        str(SEED),
        "--",
        "-k",
        "no_model_id",
        "-p",
        "conformance_bench_timing",
        "-q",
    ]
    done = run(cmd, env=env, cwd=workdir)
    if done.returncode != 0 or not out.is_file():
        raise RuntimeError(
            f"the suite's property phase failed (exit {done.returncode}):\n{tail(done.stdout)}"
        )
    timing: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    timing["rate"] = timing["examples"] / timing["seconds"]
    return timing


def raw_httpx_loop(base_url: str, requests: list[list[Any]]) -> dict[str, Any]:
    """The same GETs the suite sent, byte for byte, in a plain loop: no generation, no judging."""
    import httpx

    url = httpx.URL(base_url + "/")
    prepared = [
        (method, target.encode("ascii"), dict(map(tuple, headers))) for method, target, headers in requests
    ]
    statuses: Counter[int] = Counter()
    with httpx.Client(trust_env=False, timeout=10.0) as client:
        client.get(base_url + "/v1/models", headers=HEADERS)  # the connection is open before timing
        start = time.perf_counter()
        for method, target, headers in prepared:
            response = client.send(
                client.build_request(method, url, headers=headers, extensions={"target": target})
            )
            statuses[response.status_code] += 1
        seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "examples": len(prepared),
        "rate": len(prepared) / seconds,
        "statuses": statuses,
    }


def hypothesis_alone(examples: int) -> dict[str, Any]:
    """The property's strategy and settings with a test that does nothing: hypothesis's own cost.

    Together with the raw loop it bounds the property phase: no suite built on hypothesis can send
    its examples faster than one generation plus one bare request each.
    """
    from hypothesis import HealthCheck, Phase, given, seed, settings

    from conformance.fuzz import model_ids

    drawn: list[str] = []

    @seed(SEED)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
    )
    @given(model_id=model_ids())
    def generate(model_id: str) -> None:
        drawn.append(model_id)

    start = time.perf_counter()
    generate()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "examples": len(drawn), "rate": len(drawn) / seconds}


def schemathesis_positive(base_url: str, examples: int, workdir: Path, rep: int) -> dict[str, Any]:
    """Schemathesis on schemas/openapi.yaml, GET /v1/models/{model_id} only, positive mode, its checks."""
    exe = tool("schemathesis")
    if exe is None:
        raise Unavailable("schemathesis is not installed (pip install 'schemathesis>=4,<5')")
    report = workdir / f"schemathesis-{rep}.ndjson"
    cmd = [
        exe,
        "run",
        str(OPENAPI),
        "--url",
        base_url,
        "--include-operation-id",
        "models-retrieve",
        "--phases",
        "fuzzing",
        "--mode",
        "positive",
        "--max-examples",
        str(examples),
        "--checks",
        "all",
        # openapi.yaml lets anthropic-beta be any string; the server rightly answers 400 to made-up betas,
        # which this check would count as failures, and a failure makes Schemathesis shrink and stop early.
        "--exclude-checks",
        "positive_data_acceptance",
        "--workers",
        "1",
        "--seed",
        str(SEED),
        "--generation-database",
        "none",
        "--no-color",
        "-H",
        f"x-api-key: {KEY}",
        "-H",
        f"anthropic-version: {CONTRACT}",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
    ]
    done = run(cmd, cwd=workdir)
    elapsed = cases = interactions = None
    if report.is_file():
        for line in report.read_text(encoding="utf-8").splitlines():
            event = json.loads(line)
            finished = event.get("ScenarioFinished")
            if finished and finished.get("phase") == "fuzzing":
                elapsed = finished["elapsed_time"]
                cases = len(finished["recorder"]["cases"])
                interactions = len(finished["recorder"]["interactions"])
    if elapsed is None or not cases:
        raise RuntimeError(f"Schemathesis did not run (exit {done.returncode}):\n{tail(done.stdout)}")
    return {
        "seconds": elapsed,
        "examples": cases,
        "requests": interactions,
        "rate": cases / elapsed,
        "exit": done.returncode,
        "summary": next(
            (line.strip() for line in done.stdout.splitlines() if "generated" in line and "passed" in line),
            "",
        ),
    }


def property_phase(base_url: str, examples: int, repeat: int, workdir: Path) -> dict[str, Any]:
    suite: list[dict[str, Any]] = []
    raw: list[dict[str, Any]] = []
    alone: list[dict[str, Any]] = []
    peer: list[dict[str, Any]] = []
    schemathesis = Peer("Schemathesis")
    hypothesis_alone(min(examples, 100))  # warm-up: hypothesis's first run in a process pays set-up costs
    for rep in range(repeat):
        suite.append(suite_property_phase(base_url, examples, workdir, rep))
        raw.append(raw_httpx_loop(base_url, suite[-1]["requests"]))
        alone.append(hypothesis_alone(examples))
        if schemathesis.missing is None:
            with schemathesis.attempt():
                peer.append({**schemathesis_positive(base_url, examples, workdir, rep), "rep": rep})
        log(
            f"property phase rep {rep + 1}/{repeat}: suite {suite[-1]['rate']:.0f}/s, raw httpx "
            f"{raw[-1]['rate']:.0f}/s, hypothesis alone {alone[-1]['rate']:.0f}/s, schemathesis "
            + (f"{peer[-1]['rate']:.0f}/s" if peer and peer[-1]["rep"] == rep else "not measured")
        )
    result: dict[str, Any] = {
        "examples_requested": examples,
        "suite_examples": suite[0]["examples"],
        "suite_rates": [r["rate"] for r in suite],
        "raw_rates": [r["rate"] for r in raw],
        "raw_statuses": dict(sorted(sum((r["statuses"] for r in raw), Counter()).items())),
        "hypothesis_rates": [r["rate"] for r in alone],
        "suite": median_of(suite, "rate"),
        "raw": median_of(raw, "rate"),
        "hypothesis": median_of(alone, "rate"),
        "vs_raw": median_ratio(raw, suite, "rate"),
        # One generation plus one bare request per example: the best any hypothesis-driven run can do here.
        "bound": median([1 + r["rate"] / h["rate"] for r, h in zip(raw, alone, strict=True)]),
        "of_bound": median(
            [s["rate"] * (1 / r["rate"] + 1 / h["rate"]) for s, r, h in zip(suite, raw, alone, strict=True)]
        ),
    }
    if peer:
        result.update(
            # Paired with the suite's runs of the same repetitions: a peer run may fail in one of them.
            vs_schemathesis=median_ratio([suite[p["rep"]] for p in peer], peer, "rate"),
            schemathesis=median_of(peer, "rate"),
            schemathesis_rates=[r["rate"] for r in peer],
            schemathesis_examples=peer[0]["examples"],
            schemathesis_requests=peer[0]["requests"],
            schemathesis_exit=peer[0]["exit"],
            schemathesis_summary=peer[0]["summary"],
        )
    else:
        result.update(schemathesis_missing=schemathesis.missing, schemathesis_failed=schemathesis.failed)
    return result
