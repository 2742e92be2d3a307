"""Schemathesis 4.x on ``schemas/openapi.yaml``, positive mode, the property phase's peer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from _common import CONTRACT, KEY, OPENAPI, SEED, Unavailable, run, tail, tool


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
