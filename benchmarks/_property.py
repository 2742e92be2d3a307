"""The generated-id phase (SRV-NO-5XX and the other id requirements), in examples per second.

Each repetition runs, back to back against the same reference server process: the suite's phase
(``_phase.py``, a process of its own); a raw httpx loop sending the very requests that run sent (the
floor: no generation, no judging); Schemathesis with as many examples (``_schemathesis.py``).
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _common import BENCH_DIR, HEADERS, KEY, SEED, Peer, log, run, tail
from _machine import process_cpu_seconds
from _results import median, median_of, median_ratio
from _schemathesis import schemathesis_positive


def suite_phase(base_url: str, examples: int, workdir: Path, label: str) -> dict[str, Any]:
    """One run of ``_phase.py``: the phase's time, its requests, and what its verdicts add."""
    out = workdir / f"phase-{label}.json"
    cmd = [sys.executable, str(BENCH_DIR / "_phase.py"), base_url, KEY, str(examples), str(SEED), str(out)]
    done = run(cmd, cwd=workdir)
    if done.returncode != 0 or not out.is_file():
        raise RuntimeError(f"the suite's phase failed (exit {done.returncode}):\n{tail(done.stderr)}")
    phase: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    count = len(phase["requests"])
    phase.update(
        examples=count,
        rate=count / phase["seconds"],
        judged_rate=count / (phase["seconds"] + phase["judge_seconds"]),
        cpu_us=phase["cpu_seconds"] / count * 1e6,
    )
    return phase


def raw_httpx_loop(base_url: str, requests: list[list[Any]], server_pid: int | None = None) -> dict[str, Any]:
    """The same GETs the suite sent, byte for byte, in a plain loop: no generation, no judging."""
    import httpx

    from models_conformance.server.target import USER_AGENT

    url = httpx.URL(base_url + "/")
    prepared = [
        (method, target.encode("ascii"), dict(map(tuple, headers))) for method, target, headers in requests
    ]
    statuses: Counter[int] = Counter()
    with httpx.Client(trust_env=False, timeout=10.0, headers={"user-agent": USER_AGENT}) as client:
        client.get(base_url + "/v1/models", headers=HEADERS)  # the connection is open before timing
        server_before = None if server_pid is None else process_cpu_seconds(server_pid)
        cpu, start = time.process_time(), time.perf_counter()
        for method, target, headers in prepared:
            response = client.send(
                client.build_request(method, url, headers=headers, extensions={"target": target})
            )
            statuses[response.status_code] += 1
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        server_after = None if server_pid is None else process_cpu_seconds(server_pid)
    server = None if server_before is None or server_after is None else server_after - server_before
    count = len(prepared)
    return {
        "examples": count,
        "rate": count / seconds,
        "cpu_us": cpu / count * 1e6,
        "server_cpu_seconds": server,
        "statuses": statuses,
    }


def property_phase(
    base_url: str, examples: int, repeat: int, workdir: Path, server_pid: int | None = None
) -> dict[str, Any]:
    suite: list[dict[str, Any]] = []
    raw: list[dict[str, Any]] = []
    peer: list[dict[str, Any]] = []
    schemathesis = Peer("Schemathesis")
    for rep in range(repeat):
        suite.append(suite_phase(base_url, examples, workdir, str(rep)))
        raw.append(raw_httpx_loop(base_url, suite[-1]["requests"], server_pid))
        if schemathesis.missing is None:
            with schemathesis.attempt():
                peer.append({**schemathesis_positive(base_url, examples, workdir, rep), "rep": rep})
        log(
            f"property phase rep {rep + 1}/{repeat}: suite {suite[-1]['rate']:.0f}/s "
            f"({suite[-1]['judged_rate']:.0f}/s with verdicts), raw httpx {raw[-1]['rate']:.0f}/s, "
            "schemathesis "
            + (f"{peer[-1]['rate']:.0f}/s" if peer and peer[-1]["rep"] == rep else "not measured")
        )
    server_cpu = [r["server_cpu_seconds"] for r in raw]
    # The kernel counts CPU time in ticks (10 ms): the sum over all repetitions is the precise figure.
    server_us = None if None in server_cpu else sum(server_cpu) / sum(r["examples"] for r in raw) * 1e6
    result: dict[str, Any] = {
        "examples_requested": examples,
        "suite_examples": suite[0]["examples"],
        "suite": median_of(suite, "rate"),
        "suite_rates": [r["rate"] for r in suite],
        "judged": median_of(suite, "judged_rate"),
        "judged_rates": [r["judged_rate"] for r in suite],
        "judge_us": median_of(suite, "judge_seconds") / suite[0]["examples"] * 1e6,
        "raw": median_of(raw, "rate"),
        "raw_rates": [r["rate"] for r in raw],
        "vs_raw": median_ratio(raw, suite, "rate"),
        "vs_raw_judged": median([r["rate"] / s["judged_rate"] for r, s in zip(raw, suite, strict=True)]),
        "raw_statuses": dict(sorted(sum((r["statuses"] for r in raw), Counter()).items())),
        "cpu": {
            "suite_us": median_of(suite, "cpu_us"),
            "raw_us": median_of(raw, "cpu_us"),
            "server_us": server_us,
        },
    }
    if peer:
        # Paired with the suite's runs of the same repetitions: a peer run may fail in one of them.
        paired = [suite[p["rep"]] for p in peer]
        result.update(
            vs_schemathesis=median_ratio(paired, peer, "rate"),
            vs_schemathesis_judged=median(
                [s["judged_rate"] / p["rate"] for s, p in zip(paired, peer, strict=True)]
            ),
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
