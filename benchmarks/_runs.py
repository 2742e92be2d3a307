"""Wall time and requests sent of the default ``models-conformance server`` and ``client`` runs."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _common import Unavailable, log, models_conformance, run, tail
from _results import median

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
