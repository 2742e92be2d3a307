"""The property-based phase (SRV-NO-5XX) per example: the suite against its floor, its bound and its peer.

The real suite (``_suite.py``); a raw httpx loop replaying the suite's requests (the floor); the suite's
own test with every request answered from memory (generation as the suite pays for it: with the
floor, the bound on any hypothesis-driven run); hypothesis alone in this process, warm (an
underestimate of generation, kept for comparison); Schemathesis (``_schemathesis.py``). The same runs
give the breakdown of the suite's time (``_breakdown.py``).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _breakdown import breakdown
from _common import HEADERS, SEED, Peer, log
from _machine import process_cpu_seconds
from _results import median, median_of, median_ratio
from _schemathesis import schemathesis_positive
from _suite import suite_property_phase


def _nothing() -> None:
    return None


def _spin(seconds: float) -> None:
    """Keep this core busy for ``seconds``, as generating an example does (sleeping would idle it)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def raw_httpx_loop(
    base_url: str,
    requests: list[list[Any]],
    server_pid: int | None = None,
    brackets: tuple[Callable[[], object], Callable[[], object]] = (_nothing, _nothing),
    gap_us: float = 0.0,
) -> dict[str, Any]:
    """The same GETs the suite sent, byte for byte, in a plain loop: no generation, no judging.

    With ``gap_us``, the loop spins that long before each request, as the suite generates an example
    before each one. ``brackets`` are called just before and just after the loop (callgrind's switch).
    """
    import httpx

    url = httpx.URL(base_url + "/")
    prepared = [
        (method, target.encode("ascii"), dict(map(tuple, headers))) for method, target, headers in requests
    ]
    statuses: Counter[int] = Counter()
    with httpx.Client(trust_env=False, timeout=10.0) as client:
        client.get(base_url + "/v1/models", headers=HEADERS)  # the connection is open before timing
        server_before = None if server_pid is None else process_cpu_seconds(server_pid)
        brackets[0]()
        clock, inside = time.perf_counter, 0.0
        cpu, start = time.process_time(), clock()
        for method, target, headers in prepared:
            if gap_us:
                _spin(gap_us / 1e6)
            sent = clock()
            response = client.send(
                client.build_request(method, url, headers=headers, extensions={"target": target})
            )
            inside += clock() - sent
            statuses[response.status_code] += 1
        seconds, cpu = clock() - start, time.process_time() - cpu
        brackets[1]()
        server_after = None if server_pid is None else process_cpu_seconds(server_pid)
    count = len(prepared)
    server = None if server_before is None or server_after is None else server_after - server_before
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "server_cpu_seconds": server,
        "examples": count,
        "rate": count / seconds,
        "us": seconds / count * 1e6,
        "request_us": inside / count * 1e6,
        "cpu_us": cpu / count * 1e6,
        "statuses": statuses,
    }


def hypothesis_alone(examples: int) -> dict[str, Any]:
    """The property's strategy and settings with a test that does nothing, in this process, warm.

    It leaves out what the suite's generation pays and this does not: the one-off set-up (done by the
    warm-up run), the suite's process (pytest, its heap and stack) and its local constants, which
    hypothesis mixes into generation; the offline run of the suite measures generation as it is.
    """
    from hypothesis import HealthCheck, Phase, given, seed, settings

    from models_conformance.fuzz import model_ids

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


def _targets(timing: dict[str, Any]) -> list[str]:
    return [target for _, target, _ in timing["requests"]]


def property_phase(
    base_url: str, examples: int, repeat: int, workdir: Path, server_pid: int | None = None
) -> dict[str, Any]:
    suite: list[dict[str, Any]] = []
    raw: list[dict[str, Any]] = []
    offline: list[dict[str, Any]] = []
    paced: list[dict[str, Any]] = []
    setup: list[dict[str, Any]] = []
    zones: list[dict[str, Any]] = []
    alone: list[dict[str, Any]] = []
    peer: list[dict[str, Any]] = []
    schemathesis = Peer("Schemathesis")
    hypothesis_alone(min(examples, 100))  # warm-up: hypothesis's first run in a process pays set-up costs
    for rep in range(repeat):
        suite.append(suite_property_phase(base_url, examples, workdir, f"suite-{rep}"))
        raw.append(raw_httpx_loop(base_url, suite[-1]["requests"], server_pid))
        offline.append(suite_property_phase(base_url, examples, workdir, f"offline-{rep}", "offline"))
        # The floor again, each request after as much busy time as generating an example took just now.
        paced.append(raw_httpx_loop(base_url, suite[-1]["requests"], gap_us=offline[-1]["us"]))
        setup.append(suite_property_phase(base_url, 1, workdir, f"setup-{rep}", "offline"))
        zones.append(suite_property_phase(base_url, examples, workdir, f"zones-{rep}", "zones"))
        alone.append(hypothesis_alone(examples))
        if schemathesis.missing is None:
            with schemathesis.attempt():
                peer.append({**schemathesis_positive(base_url, examples, workdir, rep), "rep": rep})
        log(
            f"property phase rep {rep + 1}/{repeat}: suite {suite[-1]['rate']:.0f}/s, raw httpx "
            f"{raw[-1]['rate']:.0f}/s, generation (suite offline) {offline[-1]['rate']:.0f}/s, raw httpx "
            f"paced by generation {paced[-1]['rate']:.0f}/s, hypothesis "
            f"alone {alone[-1]['rate']:.0f}/s, schemathesis "
            + (f"{peer[-1]['rate']:.0f}/s" if peer and peer[-1]["rep"] == rep else "not measured")
        )
    server_cpu = [r["server_cpu_seconds"] for r in raw]
    # The kernel counts CPU time in ticks (10 ms): the sum over all repetitions is the precise figure.
    server_us = None if None in server_cpu else sum(server_cpu) / sum(r["examples"] for r in raw) * 1e6
    result: dict[str, Any] = {
        "examples_requested": examples,
        "suite_examples": suite[0]["examples"],
        "suite_rates": [r["rate"] for r in suite],
        "raw_rates": [r["rate"] for r in raw],
        "offline_rates": [r["rate"] for r in offline],
        "paced_rates": [r["rate"] for r in paced],
        "paced": median_of(paced, "rate"),
        # Spacing the requests out slows each round trip down (idle cores wake up late): the floor's
        # request time, and the same requests' when they come one generation apart.
        "request_us": median_of(raw, "request_us"),
        "paced_request_us": median_of(paced, "request_us"),
        "paced_bound": median_ratio(raw, paced, "rate"),
        "paced_bounds": [r["rate"] / p["rate"] for r, p in zip(raw, paced, strict=True)],
        "vs_raw_runs": [r["rate"] / s["rate"] for r, s in zip(raw, suite, strict=True)],
        "of_paced": median_ratio(suite, paced, "rate"),
        "raw_statuses": dict(sorted(sum((r["statuses"] for r in raw), Counter()).items())),
        "hypothesis_rates": [r["rate"] for r in alone],
        "suite": median_of(suite, "rate"),
        "raw": median_of(raw, "rate"),
        "offline": median_of(offline, "rate"),
        "hypothesis": median_of(alone, "rate"),
        "vs_raw": median_ratio(raw, suite, "rate"),
        # One generation (as the suite pays for it) plus one bare request per example: the best any
        # hypothesis-driven run of these examples can do here, before it judges a single response.
        "bound": median([1 + r["rate"] / g["rate"] for r, g in zip(raw, offline, strict=True)]),
        "of_bound": median(
            [s["rate"] * (1 / r["rate"] + 1 / g["rate"]) for s, r, g in zip(suite, raw, offline, strict=True)]
        ),
        # What the old bound said: hypothesis alone, warm, in this process.
        "warm_bound": median([1 + r["rate"] / h["rate"] for r, h in zip(raw, alone, strict=True)]),
        "same_examples": all(_targets(g) == _targets(s) for g, s in zip(offline, suite, strict=True)),
        "cpu": {
            "suite_us": median_of(suite, "cpu_us"),
            "raw_us": median_of(raw, "cpu_us"),
            "offline_us": median_of(offline, "cpu_us"),
            "server_us": server_us,
        },
        "breakdown": breakdown(suite, raw, offline, setup, zones, paced),
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
