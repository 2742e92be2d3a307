"""Running the command line as a user does, for the tests that prove verdicts through it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def run_command(
    command: str, *args: str, tmp_path: Path, env: dict[str, str] | None = None
) -> tuple[int, dict[str, Any], str]:
    """``models-conformance COMMAND --report-json ... ARGS``: exit status, the report (or {}), output.

    Run from the repository root, so that ``--python tests.broken_clients:...`` specs import.
    """
    tmp_path.mkdir(parents=True, exist_ok=True)
    report = tmp_path / "report.json"
    completed = subprocess.run(
        [sys.executable, "-m", "models_conformance", command, "--report-json", str(report), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **(env or {})},
    )
    data = json.loads(report.read_text()) if report.exists() else {}
    return completed.returncode, data, completed.stdout + completed.stderr
