"""Connectors that misbehave, each in one way, for tests/test_connector_hostile.py (standard library only).

    python tests/hostile_connectors.py MODE

Where a mode must answer well, it relays the requests to an inner connector (``HOSTILE_INNER``, a
command; by default the Python template of examples/), so that its own misbehaviour is the only
thing that can go wrong. Every life of it starts a grandchild that sleeps, holding stdin, stdout
and stderr open, and writes the grandchild's pid to ``HOSTILE_DIR/pids``: the tests require that
none is left. ``record`` is the faithful relay: it writes every line both ways to
``HOSTILE_DIR/transcript.jsonl``.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

# Each mode, and what it does once it has said hello (the first two never say it).
MODES = {
    "silent": "reads its input and answers nothing, not even hello",
    "exit": "exits at once, with a line on stderr",
    "not-json": "answers each retrieve with a line that is not JSON",
    "endless-line": "answers a retrieve with a line that never ends",
    "stdout-flood": "answers its 8th retrieve, then prints copies of the answer without end",
    "stderr-flood": "answers well, while writing to stderr without end",
    "exit-mid-run": "answers 8 retrieves, then exits on the next one",
    "wrong-op": "answers each retrieve with a hello answer",
    "malformed": "answers each retrieve with an error whose status is a string",
    "hang-once": "answers well, but hangs on the first retrieve of the run (HOSTILE_DIR/hung)",
    "leak-key": "logs the api_key to stderr and prints it in a line that is not JSON",
    "record": "relays everything faithfully, writing each line to HOSTILE_DIR/transcript.jsonl",
}
TEMPLATE = Path(__file__).resolve().parents[1] / "examples" / "connector-python" / "connector.py"
LINE_NOT_JSON = "this is not JSON"
ANSWERS_PER_LIFE = 8  # before exit-mid-run exits, and stdout-flood floods
SLEEP_S = 600  # the longest any process of a double lives when nothing ends it


def _write(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _hello(mode: str) -> str:
    return json.dumps({"ok": True, "name": f"hostile connector ({mode})", "version": "1"})


class Inner:
    """The inner connector (started at its first request), one request line in, one answer line out."""

    process: subprocess.Popen[str] | None = None

    def ask(self, line: str) -> str:
        if self.process is None:
            command = os.environ.get("HOSTILE_INNER") or shlex.join([sys.executable, str(TEMPLATE)])
            self.process = subprocess.Popen(
                shlex.split(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
            )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(line.rstrip("\n") + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().rstrip("\n")


def _grandchild(folder: Path) -> None:
    # Inherits stdin, stdout and stderr: an end of file never comes while it lives.
    sleeper = subprocess.Popen([sys.executable, "-c", f"import time; time.sleep({SLEEP_S})"])
    with open(folder / "pids", "a") as pids:
        pids.write(f"{sleeper.pid}\n")


def _first_time(folder: Path, name: str) -> bool:
    try:
        (folder / name).touch(exist_ok=False)
    except FileExistsError:
        return False
    return True


def _flood_stderr() -> None:
    chunk = b"log line that never ends " * 2600 + b"\n"  # ~64 KiB
    while True:
        os.write(2, chunk)


def serve(mode: str, folder: Path) -> None:
    _grandchild(folder)
    if mode == "exit":
        print("hostile connector: cannot start", file=sys.stderr, flush=True)
        sys.exit(3)
    inner = Inner()
    if mode == "stderr-flood":
        threading.Thread(target=_flood_stderr, daemon=True).start()
    answered = 0
    for line in sys.stdin:
        request: dict[str, Any] = json.loads(line)
        if mode == "record":
            _record(folder, "suite", line)
            if request["op"] == "stop":
                return  # the inner connector ends when its stdin closes
            answer = inner.ask(line)
            _record(folder, "connector", answer)
            _write(answer)
            continue
        if request["op"] == "stop":
            return
        if request["op"] == "hello":
            if mode != "silent":
                _write(_hello(mode))
            continue
        answered += 1
        misbehave(mode, request, inner, folder, answered)


def misbehave(mode: str, request: dict[str, Any], inner: Inner, folder: Path, answered: int) -> None:
    """Answer one retrieve the way ``mode`` says."""
    line = json.dumps(request)
    if mode == "not-json":
        _write(LINE_NOT_JSON)
    elif mode == "endless-line":
        chunk = "x" * 65536
        while True:
            sys.stdout.write(chunk)
    elif mode == "stdout-flood" and answered == ANSWERS_PER_LIFE:
        answer = inner.ask(line) + "\n"
        sys.stdout.write(answer * 2)  # the answer, and at once a copy nobody asked for
        while True:
            sys.stdout.write(answer * 64)
    elif mode == "exit-mid-run" and answered > ANSWERS_PER_LIFE:
        sys.exit(5)
    elif mode == "wrong-op":
        _write(_hello(mode))  # the answer to another request
    elif mode == "malformed":
        _write(json.dumps({"ok": False, "error": {"kind": "status", "status": "404"}}))
    elif mode == "hang-once" and _first_time(folder, "hung"):
        time.sleep(SLEEP_S)
    elif mode == "leak-key":
        print(f"hostile connector: calling with key {request['api_key']}", file=sys.stderr, flush=True)
        _write(f"oops, the key is {request['api_key']}")
    else:
        _write(inner.ask(line))


def _record(folder: Path, side: str, line: str) -> None:
    with open(folder / "transcript.jsonl", "a") as transcript:
        transcript.write(json.dumps({"from": side, "line": line.rstrip("\n")}) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in MODES:
        sys.exit(f"usage: hostile_connectors.py {{{'|'.join(MODES)}}}")
    serve(sys.argv[1], Path(os.environ["HOSTILE_DIR"]))
