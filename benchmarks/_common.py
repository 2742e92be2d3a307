"""What every measurement shares: the paths, the request it sends, and the subprocess and log helpers."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "benchmarks"
OPENAPI = ROOT / "schemas" / "openapi.yaml"
RESULTS = BENCH_DIR / "RESULTS.md"
PERFORMANCE_PAGE = ROOT / "docs" / "performance.md"  # shows the Targets table of RESULTS

KEY = "conformance-bench-key"  # made up: the reference server the bench spawns is given it (--api-key)
CONTRACT = "2023-06-01"
MODEL_PATH = "/v1/models/claude-opus-4-6"
HEADERS = {"x-api-key": KEY, "anthropic-version": CONTRACT}
SEED = 20261125
SUBPROCESS_TIMEOUT = 600


class Unavailable(Exception):
    """An optional peer or tool is not on this machine: reported, not an error."""


def tool(name: str) -> str | None:
    """A console script of this venv (next to the interpreter), else one on PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.is_file() else shutil.which(name)


def models_conformance() -> list[str]:
    script = tool("models-conformance")
    return [script] if script else [sys.executable, "-m", "models_conformance"]


def run(cmd: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(cmd), capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT, check=False, **kwargs
    )


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


class Peer:
    """An optional peer of a measurement: missing is reported, a failure is an error; neither loses ours."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.missing: str | None = None
        self.failed = False

    @contextlib.contextmanager
    def attempt(self) -> Iterator[None]:
        try:
            yield
        except Unavailable as reason:
            self.missing = str(reason)
        except RuntimeError as error:
            self.missing, self.failed = f"{self.name} failed: {error}", True
