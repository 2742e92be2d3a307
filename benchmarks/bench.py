"""The benchmark: the suite and the reference server against their peers, side by side, in one run.

    nox -s bench                               # the usual way: its own venv, Schemathesis installed
    python benchmarks/bench.py [--examples N]  # from a venv with this package and schemathesis

Everything runs on this machine against 127.0.0.1 only; every load is bounded in time and in count and
stops by itself. It prints the results and writes ``benchmarks/RESULTS.md`` (machine, versions,
medians, ratios). It reports; it judges nothing: the exit status is 1 only when a measurement that
should have run could not (optional peers that are missing, wrk or Node, are reported as such).

What is measured (medians of several repetitions, interleaved so that drift hits both sides alike):

1. The server suite's property-based phase (SRV-NO-5XX, hypothesis) against one reference server
   process, in examples per second: the real suite, run by ``models-conformance server ... -- -k
   no_model_id``, timed around the test's call phase by ``conformance_bench_timing.py``; versus
   Schemathesis (positive mode, its checks) on ``schemas/openapi.yaml`` with the same number of
   examples against the same server; versus a plain httpx loop sending the very requests the suite
   sent, without generation or judging (the floor); and hypothesis alone, same strategy, a test that
   does nothing (with the floor, the bound on any hypothesis-driven run).
2. The reference server under concurrent load (wrk when on PATH, else a bounded asyncio socket loop):
   requests/s, p50 and p99 latency; versus Prism serving ``schemas/openapi.yaml`` when Node is there.
3. Schema validation per response (the validators the checks use, on the reference server's bodies).
4. Wall time and requests sent of the default ``models-conformance server`` and ``client`` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import functools
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "benchmarks"
OPENAPI = ROOT / "schemas" / "openapi.yaml"
RESULTS = BENCH_DIR / "RESULTS.md"

KEY = "conformance-bench-key"  # made up: the reference server accepts any non-empty key
CONTRACT = "2023-06-01"
MODEL_PATH = "/v1/models/claude-opus-4-6"
HEADERS = {"x-api-key": KEY, "anthropic-version": CONTRACT}
SEED = 20261125
PRISM_PACKAGE = "@stoplight/prism-cli@latest"
# Upper bounds on every load, whatever the options say.
MAX_LOAD_SECONDS = 30.0
MAX_LOAD_REQUESTS = 2_000_000
SUBPROCESS_TIMEOUT = 600

TARGETS = {
    "vs_schemathesis": 3.0,  # the property phase: at least 3x Schemathesis's examples/s
    "vs_raw": 2.0,  # ... and within 2x of the raw httpx loop
    "vs_prism": 3.0,  # the reference server: at least 3x Prism's throughput
    "wall_seconds": 10.0,  # default server and client runs
    "validation_us": 50.0,  # per response
}


class Unavailable(Exception):
    """An optional peer or tool is not on this machine: reported, not an error."""


# ---------------------------------------------------------------------------------------------------
# small helpers


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def tool(name: str) -> str | None:
    """A console script of this venv (next to the interpreter), else one on PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.is_file() else shutil.which(name)


def models_conformance() -> list[str]:
    script = tool("models-conformance")
    return [script] if script else [sys.executable, "-m", "conformance"]


def version_of(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(cmd: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(cmd), capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT, check=False, **kwargs
    )


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# ---------------------------------------------------------------------------------------------------
# machine


def machine() -> dict[str, str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "os": platform.platform(),
        "cpu": cpu,
        "cores usable": str(cores),
        "memory": memory,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
    }


def tool_versions() -> dict[str, str]:
    versions = {
        name: version_of(name)
        for name in (
            "models-api-conformance",
            "schemathesis",
            "hypothesis",
            "httpx",
            "httpcore",
            "jsonschema",
            "uvicorn",
            "httptools",
            "pytest",
        )
    }
    wrk = shutil.which("wrk")
    if wrk:
        first = (run([wrk, "-v"]).stdout or "").strip().splitlines()
        versions["wrk"] = first[0].split(" [")[0].removeprefix("wrk ") if first else "present"
    else:
        versions["wrk"] = "not on PATH"
    node = shutil.which("node")
    versions["node"] = run([node, "--version"]).stdout.strip() if node else "not on PATH"
    return versions


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


# ---------------------------------------------------------------------------------------------------
# 1. the property-based phase


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
    peer_missing: str | None = None
    peer_failed = False
    hypothesis_alone(min(examples, 100))  # warm-up: hypothesis's first run in a process pays set-up costs
    for rep in range(repeat):
        suite.append(suite_property_phase(base_url, examples, workdir, rep))
        raw.append(raw_httpx_loop(base_url, suite[-1]["requests"]))
        alone.append(hypothesis_alone(examples))
        if peer_missing is None:
            try:
                peer.append(schemathesis_positive(base_url, examples, workdir, rep))
            except Unavailable as reason:
                peer_missing = str(reason)
            except RuntimeError as error:  # an error, reported without losing the suite's numbers
                peer_missing, peer_failed = f"Schemathesis failed: {error}", True
        log(
            f"property phase rep {rep + 1}/{repeat}: suite {suite[-1]['rate']:.0f}/s, raw httpx "
            f"{raw[-1]['rate']:.0f}/s, hypothesis alone {alone[-1]['rate']:.0f}/s, schemathesis "
            + (f"{peer[-1]['rate']:.0f}/s" if peer and len(peer) == rep + 1 else "not measured")
        )
    result: dict[str, Any] = {
        "examples_requested": examples,
        "suite_examples": suite[0]["examples"],
        "suite_rates": [r["rate"] for r in suite],
        "raw_rates": [r["rate"] for r in raw],
        "raw_statuses": dict(sorted(sum((r["statuses"] for r in raw), Counter()).items())),
        "hypothesis_rates": [r["rate"] for r in alone],
        "suite": median([r["rate"] for r in suite]),
        "raw": median([r["rate"] for r in raw]),
        "hypothesis": median([r["rate"] for r in alone]),
        # Ratios are taken within each repetition (its runs ran back to back), then the median of them.
        "vs_raw": median([r["rate"] / s["rate"] for r, s in zip(raw, suite, strict=True)]),
        # One generation plus one bare request per example: the best any hypothesis-driven run can do here.
        "bound": median([1 + r["rate"] / h["rate"] for r, h in zip(raw, alone, strict=True)]),
        "of_bound": median(
            [s["rate"] * (1 / r["rate"] + 1 / h["rate"]) for s, r, h in zip(suite, raw, alone, strict=True)]
        ),
    }
    if peer:
        result.update(
            vs_schemathesis=median([s["rate"] / t["rate"] for s, t in zip(suite, peer, strict=True)]),
            schemathesis=median([r["rate"] for r in peer]),
            schemathesis_rates=[r["rate"] for r in peer],
            schemathesis_examples=peer[0]["examples"],
            schemathesis_requests=peer[0]["requests"],
            schemathesis_exit=peer[0]["exit"],
            schemathesis_summary=peer[0]["summary"],
        )
    else:
        result.update(schemathesis_missing=peer_missing, schemathesis_failed=peer_failed)
    return result


# ---------------------------------------------------------------------------------------------------
# 2. the server under load

_WRK_LATENCY = re.compile(r"^\s*(50|99)%\s+([\d.]+)(us|ms|s)\s*$")
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk_load(url: str, seconds: float, connections: int) -> dict[str, Any]:
    wrk = shutil.which("wrk")
    assert wrk is not None
    cmd = [wrk, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "--timeout", "5s"]
    for name, value in HEADERS.items():
        cmd += ["-H", f"{name}: {value}"]
    done = run([*cmd, url])
    result: dict[str, Any] = {"non_2xx": 0, "socket_errors": ""}
    for line in done.stdout.splitlines():
        latency = _WRK_LATENCY.match(line)
        if latency:
            result[f"p{latency.group(1)}_ms"] = float(latency.group(2)) * _UNIT_MS[latency.group(3)]
        elif line.startswith("Requests/sec:"):
            result["rps"] = float(line.split()[1])
        elif line.strip().startswith("Non-2xx or 3xx responses:"):
            result["non_2xx"] = int(line.split(":")[1])
        elif line.strip().startswith("Socket errors:"):
            result["socket_errors"] = line.strip()
    if "rps" not in result:
        raise RuntimeError(
            f"wrk printed no result (exit {done.returncode}):\n{tail(done.stdout + done.stderr)}"
        )
    return result


def asyncio_load(url: str, seconds: float, connections: int) -> dict[str, Any]:
    """A bounded load without wrk: ``connections`` keep-alive HTTP/1.1 connections, one asyncio loop.

    Plain sockets rather than an HTTP client library, whose per-request cost would be measured instead of
    the server's (httpx's async pool tops out near 1,000 requests/s at 16 connections here).
    """
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    lines = [
        f"GET {parts.path} HTTP/1.1",
        f"host: {parts.netloc}",
        *(f"{k}: {v}" for k, v in HEADERS.items()),
    ]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")

    async def load() -> dict[str, Any]:
        latencies: list[float] = []
        statuses: Counter[int] = Counter()
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            reader, writer = await asyncio.open_connection(host, port)
            try:
                while time.perf_counter() < deadline and len(latencies) < MAX_LOAD_REQUESTS:
                    sent = time.perf_counter()
                    writer.write(request)
                    head = await reader.readuntil(b"\r\n\r\n")
                    fields = dict(line.split(b":", 1) for line in head.split(b"\r\n")[1:] if b":" in line)
                    length = {name.strip().lower(): value for name, value in fields.items()}.get(
                        b"content-length"
                    )
                    if length is None:
                        raise RuntimeError(f"{url} answered without content-length; use wrk")
                    await reader.readexactly(int(length))
                    latencies.append(time.perf_counter() - sent)
                    statuses[int(head[9:12])] += 1
            finally:
                writer.close()

        start = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(connections))), timeout=seconds + 30)
        elapsed = time.perf_counter() - start
        latencies.sort()
        return {
            "rps": len(latencies) / elapsed,
            "p50_ms": latencies[len(latencies) // 2] * 1000,
            "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
            "non_2xx": sum(n for status, n in statuses.items() if not 200 <= status < 400),
            "socket_errors": "",
        }

    return asyncio.run(load())


def load_generator() -> tuple[str, Callable[[str, float, int], dict[str, Any]]]:
    if shutil.which("wrk"):
        return "wrk (1 thread)", wrk_load
    return "an asyncio keep-alive loop in one Python process (wrk not on PATH)", asyncio_load


@contextlib.contextmanager
def prism_server(cache: Path, workdir: Path) -> Iterator[tuple[str, str]]:
    """Prism mocking schemas/openapi.yaml on a free loopback port; yields (base URL, version)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        raise Unavailable("Node.js and npm are not on PATH")
    prefix = cache / "prism"
    binary = prefix / "node_modules" / ".bin" / "prism"
    if not binary.exists():
        log(f"installing {PRISM_PACKAGE} into {prefix} (npm)")
        prefix.mkdir(parents=True, exist_ok=True)
        done = run(
            [
                npm,
                "install",
                "--prefix",
                str(prefix),
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                PRISM_PACKAGE,
            ]
        )
        if done.returncode != 0 or not binary.exists():
            raise Unavailable(f"npm could not install {PRISM_PACKAGE}: {tail(done.stderr, 5)}")
    manifest = prefix / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    version = json.loads(manifest.read_text(encoding="utf-8")).get("version", "?")
    port = free_port()
    log_path = workdir / "prism.log"
    with log_path.open("wb") as log_file:
        # -v warn: Prism logs every request at its default level ("info"), which costs it throughput; the
        # quieter setting is its faster one, so the comparison is the conservative one.
        process = subprocess.Popen(
            [str(binary), "mock", "-h", "127.0.0.1", "-p", str(port), "-v", "warn", str(OPENAPI)],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so that its children stop with it
        )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_serving(url, process, timeout=90.0, log_path=log_path)
        yield url, version
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], timeout: float, log_path: Path) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"Prism exited ({process.returncode}):\n{tail(log_path.read_text(errors='replace'))}"
            )
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url + MODEL_PATH, headers=HEADERS, timeout=2.0, trust_env=False).status_code == 200:
                return
        time.sleep(0.25)
    raise RuntimeError(f"Prism did not answer 200 at {url}{MODEL_PATH} within {timeout:.0f} s")


def server_load(
    reference_url: str, seconds: float, repeat: int, connections: int, cache: Path, workdir: Path
) -> dict[str, Any]:
    name, generate = load_generator()
    seconds = min(seconds, MAX_LOAD_SECONDS)
    result: dict[str, Any] = {"generator": name, "seconds": seconds, "connections": connections}
    with contextlib.ExitStack() as stack:
        urls = {"reference": reference_url}
        try:
            prism_url, result["prism_version"] = stack.enter_context(prism_server(cache, workdir))
            urls["prism"] = prism_url
        except Unavailable as reason:
            result["prism_missing"] = str(reason)
        except RuntimeError as error:  # an error, reported without losing the reference server's numbers
            result.update(prism_missing=f"Prism failed: {error}", prism_failed=True)
        runs: dict[str, list[dict[str, Any]]] = {server: [] for server in urls}
        for url in urls.values():
            generate(url + MODEL_PATH, 1.0, connections)  # warm-up (Prism's JIT, connection set-up)
        for rep in range(repeat):
            for server, url in urls.items():
                runs[server].append(generate(url + MODEL_PATH, seconds, connections))
            log(
                f"load rep {rep + 1}/{repeat}: "
                + ", ".join(f"{server} {runs[server][-1]['rps']:.0f} req/s" for server in urls)
            )
    if "prism" in runs:
        result["vs_prism"] = median(
            [r["rps"] / q["rps"] for r, q in zip(runs["reference"], runs["prism"], strict=True)]
        )
    for server, measured in runs.items():
        result[server] = {
            "rps": median([m["rps"] for m in measured]),
            "p50_ms": median([m["p50_ms"] for m in measured]),
            "p99_ms": median([m["p99_ms"] for m in measured]),
            "rps_runs": [m["rps"] for m in measured],
            "non_2xx": sum(m["non_2xx"] for m in measured),
            "socket_errors": "; ".join(sorted({m["socket_errors"] for m in measured if m["socket_errors"]})),
        }
    return result


# ---------------------------------------------------------------------------------------------------
# 3. validation per response


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
    from conformance import schemas
    from conformance.exchange import Exchange, Request, Response
    from conformance.observations import Observations

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


# ---------------------------------------------------------------------------------------------------
# 4. the default command-line runs

_REQUESTS_SENT = re.compile(r"requests sent: (\d+)")


def cli_available(role: str) -> bool:
    return run([*models_conformance(), role, "--help"]).returncode == 0


def cli_wall(role: str, extra: Sequence[str], repeat: int, workdir: Path) -> dict[str, Any]:
    """Wall time of ``models-conformance ROLE`` (process start to exit), and the requests it sent."""
    if not cli_available(role):
        raise Unavailable(f"`models-conformance {role}` is not available in this version")
    walls: list[float] = []
    requests: list[int | None] = []
    exits: list[int] = []
    for rep in range(repeat):
        report = workdir / f"{role}-report-{rep}.json"
        cmd = [*models_conformance(), role, "--report-json", str(report), *extra]
        start = time.perf_counter()
        done = run(cmd, cwd=workdir)
        walls.append(time.perf_counter() - start)
        exits.append(done.returncode)
        sent: int | None = None
        if report.is_file():
            sent = json.loads(report.read_text(encoding="utf-8")).get("requests_sent")
        if sent is None:
            found = _REQUESTS_SENT.search(done.stdout)
            sent = int(found.group(1)) if found else None
        requests.append(sent)
        lines = done.stdout.splitlines()
        summary = next((line for line in reversed(lines) if "MUST failed" in line), "") or next(
            (line for line in reversed(lines) if " passed" in line), ""
        )
        log(f"{role} run {rep + 1}/{repeat}: {walls[-1]:.2f} s wall, exit {done.returncode}, {sent} requests")
        if done.returncode == 2:
            # A usage error (exit 2), e.g. `--python anthropic` without the SDK installed here.
            raise Unavailable(f"`models-conformance {role} {' '.join(extra)}`: {tail(done.stderr, 2)}")
        if done.returncode not in (0, 1):
            raise RuntimeError(
                f"`{' '.join(cmd)}` exited {done.returncode}:\n{tail(done.stdout + done.stderr)}"
            )
    return {
        "command": "models-conformance " + " ".join([role, *extra]),
        "wall": median(walls),
        "walls": walls,
        "requests": requests[0],
        "exits": exits,
        "summary": summary.strip(" ="),
    }


# ---------------------------------------------------------------------------------------------------
# report


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def fmt_runs(values: Sequence[float], digits: int = 0) -> str:
    return ", ".join(f"{value:.{digits}f}" for value in values)


def render(results: dict[str, Any]) -> str:
    out: list[str] = []
    add = out.append
    add("# Benchmark results")
    add("")
    add(f"Written by `{results['command']}` on {results['date']}, in {results['total_seconds']:.0f} s.")
    add("All traffic went to 127.0.0.1. Medians of the repetitions; the individual runs follow each table.")
    add(
        f"Load average (1, 5, 15 min) at the start: {results['load_before']}; "
        f"at the end: {results['load_after']}."
    )
    add("")
    add("## Machine")
    add("")
    add("| | |")
    add("|---|---|")
    for key, value in results["machine"].items():
        add(f"| {key} | {value} |")
    add("")
    add("## Versions")
    add("")
    add("| | |")
    add("|---|---|")
    for key, value in results["versions"].items():
        add(f"| {key} | {value} |")
    add("")
    add("## Targets")
    add("")
    add("| target | measured (median) | verdict |")
    add("|---|---|---|")
    for row in results["targets"]:
        add(f"| {row[0]} | {row[1]} | {row[2]} |")
    add("")
    _render_property(add, results.get("property"), results["errors"].get("property"))
    _render_load(add, results.get("load"), results["errors"].get("load"))
    _render_validation(add, results.get("validation"), results["errors"].get("validation"))
    _render_walls(add, results.get("walls", {}), results["errors"])
    if results["errors"]:
        add("## Errors")
        add("")
        for section, message in results["errors"].items():
            add(f"- {section}: {message}")
        add("")
    return "\n".join(out).rstrip() + "\n"


def _render_property(add: Callable[[str], None], p: dict[str, Any] | None, error: str | None) -> None:
    add("## 1. Property-based phase (SRV-NO-5XX), examples per second")
    add("")
    if p is None:
        add(f"Not measured: {error}")
        add("")
        return
    add(
        "One reference server process (`python -m conformance.reference`), "
        f"{p['examples_requested']} examples "
        "per run, the same seed for every run. The suite is the real one (`models-conformance server "
        "--base-url URL --examples N --seed S -- -k no_model_id`), timed around the test's call phase "
        "(hypothesis generation, the request, the check, and the judging of every response by the "
        "every-response observer). Schemathesis runs `schemas/openapi.yaml`, operation `models-retrieve` "
        "only, `--phases fuzzing --mode positive --checks all --exclude-checks positive_data_acceptance "
        "--workers 1`, timed by its own scenario clock (`elapsed_time` in its NDJSON report). The raw "
        "httpx loop sends the very requests the suite sent (same request targets and headers, one "
        "keep-alive connection) with no generation and no judging."
    )
    add("")
    add("| runner | examples/s | ratio | runs |")
    add("|---|---|---|---|")
    add(
        f"| this suite ({p['suite_examples']} examples) | {p['suite']:.0f} | 1 "
        f"| {fmt_runs(p['suite_rates'])} |"
    )
    if "schemathesis" in p:
        add(
            f"| Schemathesis positive ({p['schemathesis_examples']} examples, {p['schemathesis_requests']} "
            f"requests) | {p['schemathesis']:.0f} | suite is {p['vs_schemathesis']:.1f}x faster "
            f"| {fmt_runs(p['schemathesis_rates'])} |"
        )
    else:
        add(f"| Schemathesis | not measured: {p['schemathesis_missing']} | | |")
    add(
        f"| raw httpx loop, same requests (the floor) | {p['raw']:.0f} | suite takes "
        f"{p['vs_raw']:.2f}x the floor's time | {fmt_runs(p['raw_rates'])} |"
    )
    add(
        f"| hypothesis alone: the same strategy and settings, a test that does nothing | "
        f"{p['hypothesis']:.0f} | | {fmt_runs(p['hypothesis_rates'])} |"
    )
    add("")
    add(
        f"Bound: one generation plus one bare request per example takes {p['bound']:.2f}x the floor's time; "
        "no hypothesis-driven run can do better on this machine, before it judges a single response. "
        f"The suite runs at {p['of_bound']:.0%} of that speed. Ratios are medians of per-repetition ratios."
    )
    add("")
    add(f"Statuses of the replayed requests: {p['raw_statuses']}.")
    if "schemathesis" in p:
        add(
            f"Schemathesis's own summary (last run): {p['schemathesis_summary']} "
            f"(exit {p['schemathesis_exit']})."
        )
    add("")


def _render_load(add: Callable[[str], None], load: dict[str, Any] | None, error: str | None) -> None:
    add("## 2. The reference server under concurrent load")
    add("")
    if load is None:
        add(f"Not measured: {error}")
        add("")
        return
    add(
        f"Load generator: {load['generator']}, {load['connections']} connections, "
        f"{load['seconds']:.0f} s per "
        f"run, after a 1 s warm-up; `GET {MODEL_PATH}` with `x-api-key` and `anthropic-version: {CONTRACT}`. "
        "The load generator shares the machine's cores with the server."
    )
    add("")
    add("| server | requests/s | p50 ms | p99 ms | non-2xx | runs (req/s) |")
    add("|---|---|---|---|---|---|")
    ref = load["reference"]
    add(
        f"| reference server (uvicorn + httptools) | {ref['rps']:.0f} | {ref['p50_ms']:.2f} "
        f"| {ref['p99_ms']:.2f} "
        f"| {ref['non_2xx']} | {fmt_runs(ref['rps_runs'])} |"
    )
    if "prism" in load:
        prism = load["prism"]
        add(
            f"| Prism {load['prism_version']} (`prism mock -v warn schemas/openapi.yaml`) "
            f"| {prism['rps']:.0f} | {prism['p50_ms']:.2f} | {prism['p99_ms']:.2f} | {prism['non_2xx']} "
            f"| {fmt_runs(prism['rps_runs'])} |"
        )
        add("")
        add(
            f"Ratio: the reference server serves {load['vs_prism']:.1f}x Prism's requests/s; "
            f"p99 {ref['p99_ms']:.2f} ms against Prism's {prism['p99_ms']:.2f} ms. "
            "Prism answers the 108-byte example of openapi.yaml; "
            f"the reference server a full model body. Prism runs with `-v warn` because its default (`info`) "
            "logs every request and is slower still."
        )
    else:
        add(f"| Prism | not measured: {load['prism_missing']} | | | | |")
    for server in ("reference", "prism"):
        if server in load and load[server]["socket_errors"]:
            add(f"wrk against {server}: {load[server]['socket_errors']}")
    add("")


def _render_validation(add: Callable[[str], None], v: dict[str, Any] | None, error: str | None) -> None:
    add("## 3. Schema validation per response")
    add("")
    if v is None:
        add(f"Not measured: {error}")
        add("")
        return
    add(
        "The body of each response, as the reference server sends it, validated the way the checks do "
        "(`conformance.schemas.model_errors` / `error_envelope_errors`: jsonschema Draft 2020-12 with the "
        "RFC 3339 format checker, every error listed). For comparison, the stock `Draft202012Validator` "
        "on the same schema (`model_validator(...).iter_errors`), which finds the same errors. The last "
        "column is the whole per-exchange judging the suite does for every response (JSON parse, content "
        "type, request id, error envelope or model body), for context."
    )
    add("")
    add("| response | body bytes | validation µs | stock jsonschema µs | judging one exchange µs |")
    add("|---|---|---|---|---|")
    for row in v["rows"]:
        add(
            f"| {row['response']} | {row['bytes']} | {row['validate_us']:.1f} | {row['stock_us']:.1f} "
            f"| {row['judge_us']:.1f} |"
        )
    add("")


def _render_walls(add: Callable[[str], None], walls: dict[str, Any], errors: dict[str, str]) -> None:
    add("## 4. Default command-line runs")
    add("")
    add("Wall time from process start to exit (the venv already exists), median of the runs.")
    add("")
    add("| command | wall s | requests sent | runs (s) | exit | result |")
    add("|---|---|---|---|---|---|")
    for role in ("server", "client"):
        w = walls.get(role)
        if w is None:
            add(f"| `models-conformance {role}` | not measured: {errors.get(role, 'skipped')} | | | | |")
        else:
            add(
                f"| `{w['command']}` | {w['wall']:.2f} | {w['requests']} | {fmt_runs(w['walls'], 2)} | "
                f"{', '.join(map(str, w['exits']))} | {w['summary']} |"
            )
    add("")


def targets(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    p = results.get("property")
    if p and "schemathesis" in p:
        ratio = p["vs_schemathesis"]
        rows.append(
            (
                "property phase >= 3x Schemathesis examples/s",
                f"{p['suite']:.0f} vs {p['schemathesis']:.0f}/s = {ratio:.1f}x",
                verdict(ratio >= TARGETS["vs_schemathesis"]),
            )
        )
    else:
        rows.append(("property phase >= 3x Schemathesis examples/s", "not measured", "-"))
    if p:
        ratio = p["vs_raw"]
        rows.append(
            (
                "property phase within 2x of the raw httpx loop",
                f"{p['suite']:.0f} vs {p['raw']:.0f}/s = {ratio:.2f}x the floor's time "
                f"(hypothesis alone bounds it at {p['bound']:.2f}x)",
                verdict(ratio <= TARGETS["vs_raw"]),
            )
        )
    load = results.get("load")
    if load and "prism" in load:
        ratio = load["vs_prism"]
        rows.append(
            (
                "reference server >= 3x Prism's requests/s",
                f"{load['reference']['rps']:.0f} vs {load['prism']['rps']:.0f} req/s = {ratio:.1f}x",
                verdict(ratio >= TARGETS["vs_prism"]),
            )
        )
    else:
        rows.append(("reference server >= 3x Prism's requests/s", "not measured", "-"))
    for role in ("server", "client"):
        w = results.get("walls", {}).get(role)
        label = f"default `models-conformance {role}` run < 10 s wall"
        if w:
            rows.append(
                (
                    label,
                    f"{w['wall']:.2f} s ({w['requests']} requests)",
                    verdict(w["wall"] < TARGETS["wall_seconds"]),
                )
            )
        else:
            rows.append((label, "not available", "-"))
    v = results.get("validation")
    if v:
        rows.append(
            (
                "schema validation < 50 µs per response",
                f"{v['worst_validate_us']:.1f} µs (largest body)",
                verdict(v["worst_validate_us"] < TARGETS["validation_us"]),
            )
        )
    return rows


# ---------------------------------------------------------------------------------------------------
# main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--examples", type=int, default=500, help="examples per property-phase run (default 500)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="property-phase repetitions (default 5)")
    parser.add_argument(
        "--load-seconds", type=float, default=5.0, help="seconds per load run (default 5, max 30)"
    )
    parser.add_argument("--load-repeat", type=int, default=3, help="load repetitions per server (default 3)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--cli-repeat", type=int, default=3, help="runs of each default command (default 3)")
    parser.add_argument(
        "--client-args",
        default="--python anthropic",
        help="arguments of the `client` run (default: '--python anthropic', the official SDK in-process)",
    )
    parser.add_argument("--cache", type=Path, help="folder for the Prism install (default: a temporary one)")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"the report (default {RESULTS})")
    args = parser.parse_args(argv)
    if args.examples < 1 or args.repeat < 1 or args.load_repeat < 1 or args.cli_repeat < 1:
        parser.error("counts must be at least 1")
    if not 1 <= args.connections <= 256:
        parser.error("--connections must be from 1 to 256")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from conformance.reference.server import spawn

    started = time.perf_counter()
    results: dict[str, Any] = {
        "command": "nox -s bench" if os.environ.get("NOX_CURRENT_SESSION") else "python benchmarks/bench.py",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "load_before": load_average(),
        "machine": machine(),
        "versions": tool_versions(),
        "errors": {},
    }
    errors: dict[str, str] = results["errors"]
    failed = False

    def attempt(section: str, measure: Callable[[], Any]) -> Any:
        nonlocal failed
        log(f"measuring: {section}")
        try:
            return measure()
        except Unavailable as reason:
            errors[section] = str(reason)
        except Exception as exc:  # one failed measurement must not lose the others
            failed = True
            errors[section] = f"{type(exc).__name__}: {exc}"
        log(f"{section}: {errors[section]}")
        return None

    with contextlib.ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="conformance-bench-")))
        cache = (args.cache or workdir).resolve()
        server = stack.enter_context(spawn())
        log(f"reference server at {server.url}")
        results["property"] = attempt(
            "property", lambda: property_phase(server.url, args.examples, args.repeat, workdir)
        )
        results["load"] = attempt(
            "load",
            lambda: server_load(
                server.url, args.load_seconds, args.load_repeat, args.connections, cache, workdir
            ),
        )
        results["validation"] = attempt("validation", lambda: validation_cost(server.url))
    for section, peer in (("property", "schemathesis"), ("load", "prism")):
        if (results[section] or {}).get(f"{peer}_failed"):
            failed = True
            errors[peer] = results[section][f"{peer}_missing"]
    walls: dict[str, Any] = {}
    results["walls"] = walls
    with tempfile.TemporaryDirectory(prefix="conformance-bench-cli-") as cli_dir:
        runs: list[tuple[str, list[str]]] = [("server", []), ("client", args.client_args.split())]
        for role, extra in runs:
            measured = attempt(role, functools.partial(cli_wall, role, extra, args.cli_repeat, Path(cli_dir)))
            if measured is not None:
                walls[role] = measured
    results["load_after"] = load_average()
    results["total_seconds"] = time.perf_counter() - started
    results["targets"] = targets(results)
    report = render(results)
    args.output.write_text(report, encoding="utf-8")
    print()
    print(report)
    log(f"wrote {args.output}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
