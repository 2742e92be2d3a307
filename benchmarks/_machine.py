"""The machine the benchmark ran on and the versions it measured: the report's context."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import platform
import shutil
from importlib import metadata
from pathlib import Path

from _common import run

DISTRIBUTIONS = (
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


def _first_field(path: str, prefix: str) -> str | None:
    """The value after the first line of ``path`` that starts with ``prefix`` (a /proc file)."""
    with contextlib.suppress(OSError):
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    return None


def machine() -> dict[str, str]:
    cpu = _first_field("/proc/cpuinfo", "model name") or "unknown"
    memory = "unknown"
    with contextlib.suppress(ValueError, IndexError):
        total = _first_field("/proc/meminfo", "MemTotal:")
        if total is not None:
            memory = f"{int(total.split()[0]) / 1024 / 1024:.1f} GiB"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "os": platform.platform(),
        "cpu": cpu,
        "cores usable": str(cores),
        "memory": memory,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "bytecode": bytecode(),
    }


def bytecode() -> str:
    """Whether the measured modules' bytecode is cached: where it is not and PYTHONDONTWRITEBYTECODE is
    set, every process compiles its imports again, and every wall time here grows with it."""
    missing = []
    for name in ("models_conformance.plugin", "models_conformance.judge", "hypothesis", "httpx", "pytest"):
        spec = importlib.util.find_spec(name)
        if (
            spec is None
            or spec.origin is None
            or not Path(importlib.util.cache_from_source(spec.origin)).is_file()
        ):
            missing.append(name)
    return f"not cached for {', '.join(missing)}" if missing else "cached"


def version_of(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def tool_versions() -> dict[str, str]:
    versions = {name: version_of(name) for name in DISTRIBUTIONS}
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


def process_cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time of process ``pid`` so far (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None
