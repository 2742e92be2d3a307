"""Requests sent and MUST coverage of each profile's run against the reference server, from its JSON report.

``default`` and ``live`` (with ``--rate`` high enough never to wait) under each contract version. A
MUST requirement counts as judged when its outcome is passed or failed (or an expected failure of a
baseline), never when skipped; it counts as applying when the registry lists the report's contract
for it. Everything else (requests sent, outcomes, the budget) is read from the report as written.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from _common import SEED, log, models_conformance, run, tail

PROFILES: dict[str, list[str]] = {"default": [], "live": ["--profile", "live", "--rate", "100000"]}
JUDGED = frozenset({"passed", "failed", "expected-failure"})


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
        "must_failed": report.get("summary", {}).get("must_failed"),
        "not_judged": not_judged,
    }


def profile_runs(workdir: Path, contracts: tuple[str, ...]) -> list[dict[str, Any]]:
    """One run per profile and contract (the embedded reference server, the bench's seed)."""
    rows = []
    for profile, options in PROFILES.items():
        for contract in contracts:
            report = workdir / f"profile-{profile}-{contract}.json"
            shown = ["--contract", contract, "--seed", str(SEED), *options]
            cmd = [*models_conformance(), "server", *shown, "--report-json", str(report)]
            start = time.perf_counter()
            done = run(cmd, cwd=workdir)
            wall = time.perf_counter() - start
            if done.returncode not in (0, 1) or not report.is_file():
                raise RuntimeError(
                    f"`{' '.join(cmd)}` exited {done.returncode}:\n{tail(done.stdout + done.stderr)}"
                )
            row = {
                "profile": profile,
                "contract": contract,
                "command": "models-conformance server " + " ".join(shown),
                "wall": wall,
                "exit": done.returncode,
                **coverage(json.loads(report.read_text(encoding="utf-8"))),
            }
            log(
                f"profile {profile}, contract {contract}: {row['requests_sent']} requests, MUST judged "
                f"{row['must_judged']}/{row['must_applying']}, {wall:.1f} s"
            )
            rows.append(row)
    return rows
