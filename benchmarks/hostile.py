"""What each hostile server and recording costs the command line: exit status, peak memory, wall time.

    python benchmarks/hostile.py          # from the repository root; about a minute; prints Markdown

The cases are the tests' own (tests/hostile_servers.py, tests/hostile_recordings.py), run once each
as tests/test_hostile_cli.py runs them; the tests judge them, this only reports the numbers.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root: `tests` imports

from models_conformance.reference.app import create_app
from models_conformance.reference.server import ReferenceServer
from tests._cli import Measured, run_measured
from tests.hostile_recordings import RECORDINGS
from tests.hostile_servers import MODES, HostileServer

SENTINEL = "sk-ant-SENTINEL-hostile-bench-0000"
ENV = {"ANTHROPIC_API_KEY": SENTINEL}
SERVER_ARGS = ["--examples", "1", "--seed", "7", "--timeout", "0.5"]


def row(case: str, command: str, run: Measured) -> str:
    cells = [case, f"`{command}`", str(run.code), f"{run.peak_mib:.0f}", f"{run.seconds:.2f}"]
    cells += ["yes" if "Traceback" in run.output else "no", "yes" if SENTINEL in run.output else "no"]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    print("| case | command | exit | peak MiB | seconds | traceback | key shown |")
    print("|---|---|---|---|---|---|---|")
    with ReferenceServer(app=create_app(api_keys=[SENTINEL])) as upstream, HostileServer("garbage") as other:
        for mode in MODES:
            with HostileServer(mode, elsewhere=other.url, upstream=upstream.url) as server:
                run = run_measured("server", "--base-url", server.url, *SERVER_ARGS, env=ENV, timeout=300)
            print(row(mode, f"server --base-url URL {' '.join(SERVER_ARGS)}", run))
    with tempfile.TemporaryDirectory() as folder:
        for name, (file, writer, _) in RECORDINGS.items():
            path = Path(folder) / file
            writer(path, Path(folder) / "executed")
            for command in (["cassettes", "check"], ["drift"], ["mock", "--port", "0", "--replay"]):
                run = run_measured(*command, str(path), env=ENV, timeout=300)
                print(row(name, " ".join([*command, file]), run))
            path.unlink()


if __name__ == "__main__":
    main()
