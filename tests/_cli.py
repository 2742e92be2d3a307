"""Running the command line as a user does, for the tests that prove verdicts through it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
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
    if command == "cassettes":  # the option belongs to the subcommand: cassettes check --report-json
        command, args = f"{command} {args[0]}", args[1:]
    completed = subprocess.run(
        [sys.executable, "-m", "models_conformance", *command.split(), "--report-json", str(report), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **(env or {})},
    )
    data = json.loads(report.read_text()) if report.exists() else {}
    return completed.returncode, data, completed.stdout + completed.stderr


@dataclass(frozen=True)
class Measured:
    """A command-line run: its exit status, its output, and what it cost (killed on a timeout: -9)."""

    code: int
    stdout: str
    stderr: str
    peak_mib: float  # the largest resident set of the process, or of any child it waited for
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


# Spawns the command, waits for it, and writes its peak resident set (KiB) to the file named first. A
# child's peak counts the memory of the process it was spawned from, so that process must be small:
# this one imports nothing but os and sys (about 9 MiB), not the test process's hundred.
_LAUNCHER = (
    "import os, sys; pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ); "
    "_, status, usage = os.wait4(pid, 0); open(sys.argv[1], 'w').write(str(usage.ru_maxrss)); "
    "sys.exit(os.waitstatus_to_exitcode(status))"
)


def run_measured(*args: str, env: dict[str, str], timeout: float) -> Measured:
    """``python -m models_conformance ARGS``, killed after ``timeout`` s, with its peak memory.

    The peak is the command's own and that of every child it waited for (Linux's ru_maxrss).
    """
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / name for name in ("out", "err", "peak")]
        with paths[0].open("wb") as out, paths[1].open("wb") as err:
            started = time.monotonic()
            command = [
                sys.executable,
                "-c",
                _LAUNCHER,
                str(paths[2]),
                sys.executable,
                "-m",
                "models_conformance",
            ]
            process = subprocess.Popen(
                [*command, *args],
                stdout=out,
                stderr=err,
                cwd=ROOT,
                env={"PATH": "/usr/bin:/bin", **env},
                start_new_session=True,  # the launcher and the command: killed together on a timeout
            )
            try:
                code = process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                code = process.wait()
            seconds = time.monotonic() - started
        peak = paths[2].read_text() if paths[2].exists() else "0"
        return Measured(
            code,
            paths[0].read_bytes().decode("utf-8", "replace"),
            paths[1].read_bytes().decode("utf-8", "replace"),
            int(peak or 0) / 1024,  # KiB on Linux
            seconds,
        )
