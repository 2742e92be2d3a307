"""Several clients' JSON reports (``models-conformance client --report-json``) as one Markdown table.

    python connectors/verdict_table.py REPORT.json... > verdicts.md

One row per client requirement, one column per report, then every failure's message; the form of
the tables in docs/client-verdicts.md, so that a rerun (``nox -s client_foreign``) can be compared
with what is published.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SHOWN = {"passed": "pass", "failed": "**fail**", "skipped": "skip"}


def table(reports: list[dict[str, Any]]) -> str:
    columns = [f"{r['target']['name']} {r['target']['version']}" for r in reports]
    outcomes = [{result["id"]: result for result in r["results"]} for r in reports]
    ids = list(dict.fromkeys(rid for o in outcomes for rid in o))
    lines = [
        "| requirement | level | " + " | ".join(columns) + " |",
        "|---|---|" + "---|" * len(columns),
    ]
    for rid in ids:
        level = next(o[rid]["level"] for o in outcomes if rid in o)
        cells = [SHOWN.get(o[rid]["outcome"], o[rid]["outcome"]) if rid in o else "n/a" for o in outcomes]
        lines.append(f"| {rid} | {level} | " + " | ".join(cells) + " |")
    lines.append("")
    runs = {(r["contract"], r["seed"]) for r in reports}
    lines.append("Runs: " + "; ".join(f"contract {c}, seed {s}" for c, s in sorted(runs)) + ".")
    lines.append("")
    for column, outcome in zip(columns, outcomes, strict=True):
        for rid, result in outcome.items():
            if result["outcome"] in ("failed", "skipped"):
                first = (result.get("message") or "").splitlines()[:1]
                lines.append(f"- {column}, {rid} ({result['outcome']}): {first[0] if first else ''}")
    return "\n".join(lines) + "\n"


def main(paths: list[str]) -> int:
    if not paths:
        print("usage: verdict_table.py REPORT.json...", file=sys.stderr)
        return 2
    reports = [json.loads(Path(path).read_text()) for path in paths]
    sys.stdout.write(table(reports))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
