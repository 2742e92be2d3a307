"""One run of the real suite's SRV-NO-5XX test alone, timed by ``conformance_bench_timing.py``."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _common import BENCH_DIR, KEY, SEED, models_conformance, run, tail


def suite_command(base_url: str, examples: int, *, python_module: bool = False) -> list[str]:
    """``models-conformance server`` on ``base_url``, SRV-NO-5XX only, with the timing plugin."""
    # Under valgrind the interpreter itself must be the program: a console script is a shell of it.
    launcher = [sys.executable, "-m", "models_conformance"] if python_module else models_conformance()
    return [
        *launcher,
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


def suite_env(out: Path, mode: str, extra_path: Sequence[str] = ()) -> dict[str, str]:
    env = dict(os.environ)
    env["CONFORMANCE_BENCH_TIMING"] = str(out)
    env["CONFORMANCE_BENCH_MODE"] = mode
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BENCH_DIR), *extra_path, env.get("PYTHONPATH")]))
    return env


def suite_property_phase(
    base_url: str, examples: int, workdir: Path, label: str, mode: str = "suite"
) -> dict[str, Any]:
    """The timing of one run in ``mode`` (see conformance_bench_timing.py), with rates per example."""
    out = workdir / f"suite-{label}.json"
    done = run(suite_command(base_url, examples), env=suite_env(out, mode), cwd=workdir)
    return read_timing(out, done.returncode, done.stdout)


def read_timing(out: Path, returncode: int, stdout: str) -> dict[str, Any]:
    if returncode != 0 or not out.is_file():
        raise RuntimeError(f"the suite's property phase failed (exit {returncode}):\n{tail(stdout)}")
    timing: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    count = timing["examples"] or 1
    timing["rate"] = count / timing["seconds"]
    timing["us"] = timing["seconds"] / count * 1e6
    timing["cpu_us"] = timing["cpu_seconds"] / count * 1e6
    return timing
