"""Runs of the command line, read from their JSON reports: wall time, requests sent, MUST coverage.

The default ``server`` and ``client`` runs, timed from process start to exit; then one ``server`` run
per profile (``default``, and ``live`` with ``--rate`` high enough never to wait) and contract version.
A MUST requirement counts as judged when its outcome is passed or failed (or an expected failure of
a baseline), never when skipped; it counts as applying when the registry lists the report's contract
for it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _common import SEED, Unavailable, log, models_conformance, run, tail
from _results import median

PROFILES: dict[str, list[str]] = {"default": [], "live": ["--profile", "live", "--rate", "100000"]}
JUDGED = frozenset({"passed", "failed", "expected-failure"})


def cli_run(args: Sequence[str], report: Path, workdir: Path) -> tuple[float, int, dict[str, Any]]:
    """``models-conformance ARGS --report-json REPORT``: wall seconds, exit status, the report.

    A run that writes no report (a usage error, a crash on import) makes the command unavailable here.
    """
    cmd = [*models_conformance(), *args, "--report-json", str(report)]
    start = time.perf_counter()
    done = run(cmd, cwd=workdir)
    wall = time.perf_counter() - start
    shown = "models-conformance " + " ".join(args)
    if not report.is_file():
        raise Unavailable(f"`{shown}` exited {done.returncode} without a report: {tail(done.stderr, 1)}")
    if done.returncode not in (0, 1):
        raise RuntimeError(f"`{shown}` exited {done.returncode}:\n{tail(done.stdout + done.stderr)}")
    return wall, done.returncode, json.loads(report.read_text(encoding="utf-8"))


def cli_wall(role: str, extra: Sequence[str], repeat: int, workdir: Path) -> dict[str, Any]:
    """Wall time of ``models-conformance ROLE EXTRA`` and the requests it sent."""
    walls: list[float] = []
    exits: list[int] = []
    for rep in range(repeat):
        wall, code, report = cli_run([role, *extra], workdir / f"{role}-{rep}.json", workdir)
        walls.append(wall)
        exits.append(code)
        sent = report.get("requests_sent")
        log(f"{role} run {rep + 1}/{repeat}: {wall:.2f} s wall, exit {code}, {sent} requests")
    summary = report.get("summary", {})
    return {
        "command": " ".join(["models-conformance", role, *extra]),
        "wall": median(walls),
        "walls": walls,
        "requests": report.get("requests_sent"),
        "exits": exits,
        "summary": ", ".join(
            f"{summary.get(key)} {key}" for key in ("passed", "failed", "skipped", "must_failed")
        ),
    }


def coverage(report: dict[str, Any]) -> dict[str, Any]:
    """Requests sent, and the server MUST requirements applying to the report's contract that were judged."""
    from models_conformance import registry

    contract = report["contract"]
    applying = [r.id for r in registry.requirements("server") if r.level == "MUST" and r.applies_to(contract)]
    outcomes = {result["id"]: result for result in report["results"]}
    judged = [rid for rid in applying if outcomes.get(rid, {}).get("outcome") in JUDGED]
    not_judged = {
        rid: (outcomes[rid]["outcome"] + ": " + outcomes[rid].get("message", ""))
        if rid in outcomes
        else "absent"
        for rid in applying
        if rid not in judged
    }
    return {
        "requests_sent": report.get("requests_sent"),
        "max_requests": report.get("max_requests"),
        "must_judged": len(judged),
        "must_applying": len(applying),
        "not_judged": not_judged,
    }


def profile_runs(workdir: Path, contracts: Sequence[str]) -> list[dict[str, Any]]:
    """One run per profile and contract (the embedded reference server, the bench's seed)."""
    rows = []
    for profile, options in PROFILES.items():
        for contract in contracts:
            shown = ["server", "--contract", contract, "--seed", str(SEED), *options]
            wall, code, report = cli_run(shown, workdir / f"profile-{profile}-{contract}.json", workdir)
            row = {
                "profile": profile,
                "contract": contract,
                "command": "models-conformance " + " ".join(shown),
                "wall": wall,
                "exit": code,
                **coverage(report),
            }
            log(
                f"profile {profile}, contract {contract}: {row['requests_sent']} requests, MUST judged "
                f"{row['must_judged']}/{row['must_applying']}, {wall:.1f} s"
            )
            rows.append(row)
    return rows
