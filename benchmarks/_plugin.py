"""What the pytest plugin costs a pytest run that does not use it.

An empty project with one trivial test, ``pytest -p no:cacheprovider -q`` with the package installed
(the plugin loads through its ``pytest11`` entry point), against the same with ``-p
no:models_conformance``. The two run in pairs, the order alternating from pair to pair so that drift
hits both alike; the cost is the median of the differences within pairs, in wall time and in the CPU
time of the pytest process (which waiting for a busy core does not inflate). The import of the
modules the plugin imports, within the same pytest run (``python -X importtime -m pytest ...``), is
much of it (its hooks take about a millisecond) and depends least on the machine's noise; the plugin
module itself is left out, pytest loads it through importlib, which ``-X importtime`` does not time.
"""

from __future__ import annotations

import os
import re
import resource
import statistics
import sys
import time
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from _common import log, run, tail, tool

PLUGIN = "models_conformance"
TRIVIAL_TEST = "def test_trivial():\n    assert True\n"
# Installed for the property phase's comparison only: its plugin imports all of hypothesis, which
# would add a second of noise to both arms. Left out of both.
BENCH_ONLY_PLUGINS = ("schemathesis",)
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)$")


def _project(workdir: Path) -> Path:
    project = workdir / "plugin-project"
    project.mkdir(exist_ok=True)
    (project / "test_trivial.py").write_text(TRIVIAL_TEST, encoding="utf-8")
    # Its own rootdir: no configuration or conftest.py of a folder above it takes part.
    (project / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return project


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")}


def _timed(cmd: list[str], project: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one pytest run, which must pass its one test."""
    # The children's usage grows by the run's alone: the bench waits for one child at a time.
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = run(cmd, cwd=project, env=_env())
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or "1 passed" not in done.stdout:
        raise RuntimeError(f"`{' '.join(cmd)}` exited {done.returncode}:\n{tail(done.stdout + done.stderr)}")
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def package_import_us(importtime: str) -> int:
    """The package's import time (µs) in ``python -X importtime`` output: the self times of its modules
    imported by ``import`` statements, which include pytest's rewriting of them (it rewrites every
    module of a plugin's distribution, and caches the result only where bytecode may be written)."""
    found = (_IMPORT_LINE.match(line) for line in importtime.splitlines())
    return sum(int(m.group(1)) for m in found if m and m.group(2).split(".")[0] == PLUGIN)


def import_ms(cmd: list[str], project: Path, repeat: int = 7) -> float:
    """The import time of the modules the plugin imports, within the pytest run ``cmd``: median of
    fresh runs."""
    samples = []
    for _ in range(repeat):
        done = run([sys.executable, "-X", "importtime", "-m", "pytest", *cmd[1:]], cwd=project, env=_env())
        us = package_import_us(done.stderr)
        if done.returncode != 0 or not us:
            raise RuntimeError(
                f"the pytest run under -X importtime failed:\n{tail(done.stdout + done.stderr)}"
            )
        samples.append(us / 1000)
    return statistics.median(samples)


def _spread(values: list[float]) -> dict[str, Any]:
    """The median, the quartiles, and a rough 95% interval for the median: a box plot's notch,
    median +- 1.57 IQR / sqrt(n), which needs no assumption about how the noise is distributed."""
    low, _, high = statistics.quantiles(values, n=4)
    middle = statistics.median(values)
    half = 1.57 * (high - low) / len(values) ** 0.5
    return {"median": middle, "quartiles": (low, high), "interval": (middle - half, middle + half)}


def plugin_cost(workdir: Path, pairs: int) -> dict[str, Any]:
    project = _project(workdir)
    installed = {ep.name for ep in entry_points(group="pytest11")}
    left_out = [arg for name in BENCH_ONLY_PLUGINS if name in installed for arg in ("-p", f"no:{name}")]
    plain = [tool("pytest") or "pytest", "-p", "no:cacheprovider", "-q", *left_out]
    without = [*plain, "-p", f"no:{PLUGIN}"]
    # The plugin must load in the one and not in the other, or the difference measures nothing.
    helps = [run([*cmd, "--help"], cwd=project, env=_env()).stdout for cmd in (plain, without)]
    if "--conformance-base-url" not in helps[0] or "--conformance-base-url" in helps[1]:
        raise RuntimeError(f"pytest here does not load the plugin, or -p no:{PLUGIN} does not leave it out")
    for cmd in (plain, without):  # warm-up: the file cache
        _timed(cmd, project)
    runs: dict[str, list[tuple[float, float]]] = {"with": [], "without": []}
    for pair in range(pairs):
        for arm in ("with", "without") if pair % 2 == 0 else ("without", "with"):
            runs[arm].append(_timed(plain if arm == "with" else without, project))
    wall = [(a[0] - b[0]) * 1000 for a, b in zip(runs["with"], runs["without"], strict=True)]
    cpu = [(a[1] - b[1]) * 1000 for a, b in zip(runs["with"], runs["without"], strict=True)]
    result: dict[str, Any] = {
        "command": "pytest -p no:cacheprovider -q",
        "left_out": left_out,
        "pairs": pairs,
        # Where it is set, pytest cannot keep its rewriting of the package's modules: every run redoes it.
        "dont_write_bytecode": bool(_env().get("PYTHONDONTWRITEBYTECODE")),
        "with_ms": statistics.median(w for w, _ in runs["with"]) * 1000,
        "without_ms": statistics.median(w for w, _ in runs["without"]) * 1000,
        "wall_ms": _spread(wall),
        "cpu_ms": _spread(cpu),
        "import_ms": import_ms(plain, project),
    }
    log(
        f"plugin: {result['wall_ms']['median']:.1f} ms wall, {result['cpu_ms']['median']:.1f} ms CPU "
        f"(medians of {pairs} pairs), import {result['import_ms']:.1f} ms"
    )
    return result
