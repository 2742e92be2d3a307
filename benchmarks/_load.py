"""The reference server under concurrent load, against Prism serving ``schemas/openapi.yaml``.

The load generator is wrk when it is on PATH, else a bounded asyncio loop over plain sockets; Prism is
installed with npm into the cache folder when Node is on PATH. Every load is bounded in time and count.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from _common import HEADERS, MODEL_PATH, OPENAPI, Peer, Unavailable, log, run, tail
from _results import median_of, median_ratio

PRISM_PACKAGE = "@stoplight/prism-cli@latest"
# Upper bounds on every load, whatever the options say.
MAX_LOAD_SECONDS = 30.0
MAX_LOAD_REQUESTS = 2_000_000


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


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
        prism = Peer("Prism")
        with prism.attempt():
            prism_url, result["prism_version"] = stack.enter_context(prism_server(cache, workdir))
            urls["prism"] = prism_url
        if prism.missing is not None:
            result.update(prism_missing=prism.missing, prism_failed=prism.failed)
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
        result["vs_prism"] = median_ratio(runs["reference"], runs["prism"], "rps")
    for server, measured in runs.items():
        result[server] = {
            "rps": median_of(measured, "rps"),
            "p50_ms": median_of(measured, "p50_ms"),
            "p99_ms": median_of(measured, "p99_ms"),
            "rps_runs": [m["rps"] for m in measured],
            "non_2xx": sum(m["non_2xx"] for m in measured),
            "socket_errors": "; ".join(sorted({m["socket_errors"] for m in measured if m["socket_errors"]})),
        }
    return result
