"""Connectors a user does not control, through the command line: each misbehaviour of
tests/hostile_connectors.py costs bounded time and memory, is a precise harness error (exit 3 when the
client cannot be reached at all), never lands the key in the output or the report, and leaves no
process of the connector running."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pytest

from models_conformance.client.connector import LIMIT_VARIABLES, Connector, ConnectorLimits, ConnectorMissing
from models_conformance.client.protocol import Call, HarnessError
from models_conformance.client.run import API_KEY

from ._cli import ROOT

HELLO_TIMEOUT_S = 2.0
CLIENT_TIMEOUT_S = 1.0
GRACE_S = 1.0
LIMITS = {
    "CONFORMANCE_CONNECTOR_HELLO_TIMEOUT": str(HELLO_TIMEOUT_S),
    "CONFORMANCE_CONNECTOR_GRACE": str(GRACE_S),
}
DEADLINE_S = CLIENT_TIMEOUT_S + GRACE_S  # of the suite's first call, which has no retries
# Beyond the waits a case configures: interpreter starts, the suite's own run (~7 s alone; several
# times that beside the other proofs on two cores).
MARGIN_S = 45.0
MEMORY_BOUND_MB = 512
HARNESS_ERRORS = 1  # exit status of a run in which a MUST check could not be judged


@dataclass
class Run:
    code: int
    report: dict[str, Any]
    output: str
    wall_s: float
    peak_mb: float
    folder: Path

    def harness_messages(self) -> list[str]:
        """The message of each requirement that failed, when each failed on harness errors alone."""
        failed = [result for result in self.report["results"] if result["outcome"] == "failed"]
        assert all(result.get("harness_errors") and not result["findings"] for result in failed), self.output
        return [result["message"] for result in failed]


def _sigint_as_from_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_hostile(
    mode: str,
    tmp_path: Path,
    *,
    env: dict[str, str] | None = None,
    connector: str | None = None,
    interrupt: Callable[[subprocess.Popen[bytes]], None] | None = None,
) -> Run:
    """``models-conformance client --connector "python tests/hostile_connectors.py MODE" ...``, measured:
    wall time, and the peak memory of the command's process tree (polled from /proc)."""
    report = tmp_path / "report.json"
    command = [
        sys.executable,
        "-m",
        "models_conformance",
        "client",
        "--connector",
        connector or f"{sys.executable} tests/hostile_connectors.py {mode}",
        "--report-json",
        str(report),
        "--seed",
        "1",
        "--examples",
        "5",
        "--timeout",
        str(CLIENT_TIMEOUT_S),
    ]
    environment = {"PATH": "/usr/bin:/bin", "HOSTILE_DIR": str(tmp_path), **LIMITS, **(env or {})}
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        # A shell's background job starts with SIGINT ignored, and a child inherits that (a CI runner
        # may run the tests so): the command line must get Ctrl-C as a terminal would send it.
        preexec_fn=_sigint_as_from_a_terminal if interrupt is not None else None,
    )
    output: list[bytes] = []
    stdout = process.stdout
    assert stdout is not None

    def read() -> None:
        with stdout:
            output.append(stdout.read())

    reader = threading.Thread(target=read)
    reader.start()
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        if interrupt is not None and (tmp_path / "hung").exists():
            interrupt(process)
            interrupt = None
        if time.monotonic() - started > 120:
            process.kill()
        time.sleep(0.02)
    wall = time.monotonic() - started
    reader.join()
    data = json.loads(report.read_text()) if report.exists() else {}
    return Run(process.returncode, data, b"".join(output).decode(), wall, peak / 2**20, tmp_path)


def _stat(pid: str | int) -> list[bytes]:
    with open(f"/proc/{pid}/stat", "rb") as stat:
        return stat.read().rsplit(b")", 1)[1].split()


def tree_rss(root: int) -> int:
    """Bytes resident in ``root`` and its descendants, summed (shared pages count once per process)."""
    parents, rss = {}, {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(_stat(entry.name)[1])
                with open(f"/proc/{entry.name}/statm") as statm:
                    rss[int(entry.name)] = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, IndexError, ValueError):
                continue
    tree = {root}
    while children := {pid for pid, parent in parents.items() if parent in tree} - tree:
        tree |= children
    return sum(rss.get(pid, 0) for pid in tree)


def left_running(folder: Path) -> list[str]:
    """Processes still running that the connector started: they carry its HOSTILE_DIR in their environment."""
    marker = f"HOSTILE_DIR={folder}".encode()
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry.name}/environ", "rb") as environ:
                if marker not in environ.read().split(b"\0"):
                    continue
            if _stat(entry.name)[0] in (b"Z", b"X"):
                continue  # killed, waiting for its parent (or init) to read its status
            with open(f"/proc/{entry.name}/cmdline", "rb") as cmdline:
                argv = cmdline.read().replace(b"\0", b" ").decode()
            found.append(f"{entry.name}: {argv}")
        except (OSError, IndexError):
            continue
    return found


def assert_contained(run: Run, bound_s: float) -> None:
    """What every hostile connector must get: bounded time and memory, no traceback, nothing left behind."""
    assert "Traceback" not in run.output, run.output
    assert run.wall_s < bound_s, f"{run.wall_s:.1f} s > {bound_s:.1f} s\n{run.output}"
    assert run.peak_mb < MEMORY_BOUND_MB, f"{run.peak_mb:.0f} MB"
    assert (run.folder / "pids").read_text().split(), "the double started no grandchild"
    assert left_running(run.folder) == []
    assert API_KEY not in run.output and API_KEY not in json.dumps(run.report)


@dataclass(frozen=True)
class Harm:
    """A connector that says hello, then misbehaves on calls: harness errors of the checks it breaks."""

    mode: str
    says: str  # in the first harness error
    waits_s: float = 0.0  # what the configured bounds let it cost
    env: dict[str, str] = field(default_factory=dict)
    count: int | None = None  # of the requirements failed by harness errors, when it is known


HARMS = [
    Harm("not-json", "harness error: the connector printed a line that is not JSON (logs go to stderr): "
         "'this is not JSON' (ended, restarted for the next check)"),
    Harm("endless-line", "harness error: the connector printed a line longer than 4194304 bytes "
         "(CONFORMANCE_CONNECTOR_MAX_LINE), starting 'xxxxxxxx"),
    Harm("stdout-flood", "harness error: the connector printed output no request asked for: '{\"ok\": "),
    Harm("wrong-op", "harness error: the answer to retrieve breaks the connector protocol: "
         '$ must carry "model", got {"ok": true, "name": "hostile connector (wrong-op)", "version": "1"}'),
    Harm("malformed", "harness error: the answer to retrieve breaks the connector protocol: "
         '$.error.status must be an integer or null, got "404"'),
    Harm("hang-once", f"harness error: the connector gave no answer within {DEADLINE_S:.1f} s "
         "(ended, restarted for the next check)", waits_s=DEADLINE_S, count=2),  # call 1: CLI-PATH, CLI-PARSE
    # A grace of 60 s: were an exit (its grandchild holds stdout) noticed only at the deadline, each of
    # its many harness errors would cost that, far past the bound.
    Harm("exit-mid-run", "harness error: the connector exited (code 5) before answering "
         "(ended, restarted for the next check)", env={"CONFORMANCE_CONNECTOR_GRACE": "60"}),
    Harm("leak-key", "harness error: the connector printed a line that is not JSON (logs go to stderr): "
         "'oops, the key is [REDACTED]' (ended, restarted for the next check); "
         "its stderr: hostile connector: calling with key [REDACTED]"),
]  # fmt: skip


@pytest.mark.parametrize("harm", HARMS, ids=[harm.mode for harm in HARMS])
def test_a_connector_that_misbehaves_on_calls_is_a_harness_error_of_those_checks(
    harm: Harm, tmp_path: Path
) -> None:
    run = run_hostile(harm.mode, tmp_path, env=harm.env)
    assert run.code == HARNESS_ERRORS, run.output
    messages = run.harness_messages()
    assert messages, run.output
    assert any(harm.says in message for message in messages), messages
    assert harm.count is None or len(messages) == harm.count, messages
    assert run.wall_s > harm.waits_s
    assert_contained(run, harm.waits_s + MARGIN_S)


def test_a_connector_that_fails_every_call_is_given_up_after_max_failures(tmp_path: Path) -> None:
    run = run_hostile("malformed", tmp_path, env={"CONFORMANCE_CONNECTOR_MAX_FAILURES": "2"})
    messages = run.harness_messages()
    # No request ever came: the request rules are judged on nothing; every other requirement could not be.
    assert len(messages) > 2
    assert {r["outcome"] for r in run.report["results"]} == {"failed", "skipped"}
    # The first two calls fail and restart it; every call after them is told it was given up. A
    # requirement's message is its first call's: the two of call 1 (CLI-PATH, CLI-PARSE) only.
    given_up = "failed 2 calls in a row and is not started again (CONFORMANCE_CONNECTOR_MAX_FAILURES=2)"
    assert 0 < sum(given_up not in message for message in messages) <= 2, messages
    assert_contained(run, MARGIN_S)


def test_a_connector_that_floods_stderr_is_drained_and_judged(tmp_path: Path) -> None:
    run = run_hostile("stderr-flood", tmp_path)
    assert run.code == 0, run.output
    assert run.harness_messages() == []
    assert_contained(run, MARGIN_S)


@pytest.mark.parametrize(
    ("mode", "says", "waits_s"),
    [
        ("silent", f"the connector gave no answer within {HELLO_TIMEOUT_S:.1f} s", HELLO_TIMEOUT_S),
        (
            "exit",
            "the connector exited (code 3) before answering; its stderr: hostile connector: cannot start",
            0,
        ),
    ],
)
def test_a_connector_that_never_says_hello_exits_3_with_one_line(
    mode: str, says: str, waits_s: float, tmp_path: Path
) -> None:
    run = run_hostile(mode, tmp_path)
    assert run.code == 3, run.output
    assert run.output.strip() == (
        f"models-conformance client: cannot start the connector: {sys.executable} "
        f"tests/hostile_connectors.py {mode}: {says}"
    )
    assert run.wall_s >= waits_s
    assert_contained(run, waits_s + MARGIN_S)


@pytest.mark.parametrize(
    ("env", "connector", "says"),
    [
        ({}, "no-such-connector-command --flag", "connector command not found: 'no-such-connector-command'"),
        (
            {"CONFORMANCE_CONNECTOR_MAX_LINE": "lots"},
            None,
            "CONFORMANCE_CONNECTOR_MAX_LINE must be a positive whole number, got 'lots'",
        ),
        (
            {"CONFORMANCE_CONNECTOR_HELLO_TIMEOUT": "-1"},
            None,
            "CONFORMANCE_CONNECTOR_HELLO_TIMEOUT must be a positive number, got '-1'",
        ),
    ],
    ids=["no-such-command", "bad-max-line", "bad-hello-timeout"],
)
def test_a_connector_that_cannot_be_run_as_given_is_a_usage_error(
    env: dict[str, str], connector: str | None, says: str, tmp_path: Path
) -> None:
    run = run_hostile("not-json", tmp_path, env=env, connector=connector)
    assert run.code == 2
    assert run.output.strip().startswith(f"models-conformance client: usage error: {says}"), run.output
    assert "\n" not in run.output.strip()
    assert left_running(tmp_path) == []


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_suite_interrupted_while_a_connector_hangs_leaves_no_process_of_it(
    signum: signal.Signals, tmp_path: Path
) -> None:
    sent: list[float] = []

    def interrupt(process: subprocess.Popen[bytes]) -> None:
        sent.append(time.monotonic())
        process.send_signal(signum)

    run = run_hostile("hang-once", tmp_path, env={"CONFORMANCE_CONNECTOR_GRACE": "60"}, interrupt=interrupt)
    assert sent, run.output
    # The command line's "interrupted" (130) for Ctrl-C (the connector gets no stop: it is killed at once
    # or after CONFORMANCE_CONNECTOR_STOP_TIMEOUT); death by the signal itself for SIGTERM.
    assert run.code == (130 if signum == signal.SIGINT else -signum), run.output
    assert run.wall_s < 60
    assert left_running(tmp_path) == []
    assert (tmp_path / "pids").read_text().split()


def test_every_bound_is_set_by_a_variable_that_the_docs_list_with_its_default() -> None:
    assert set(LIMIT_VARIABLES) == {limit.name for limit in fields(ConnectorLimits)}
    docs = (ROOT / "docs" / "clients.md").read_text(encoding="utf-8").splitlines()
    for name, variable in LIMIT_VARIABLES.items():
        [row] = [line for line in docs if line.startswith(f"| `{variable}` | ")]
        default = float(getattr(ConnectorLimits(), name))
        assert row.split(" | ")[1].startswith(f"{default:.0f}" if default.is_integer() else f"{default}"), row


def test_the_bounds_come_from_the_environment() -> None:
    limits = ConnectorLimits.from_environment(
        {
            "CONFORMANCE_CONNECTOR_MAX_LINE": "100",
            "CONFORMANCE_CONNECTOR_GRACE": "0.5",
            "CONFORMANCE_CONNECTOR_MAX_FAILURES": " ",
        }
    )
    assert limits == ConnectorLimits(max_line_bytes=100, grace_s=0.5)
    with pytest.raises(
        ConnectorMissing, match="CONFORMANCE_CONNECTOR_MAX_FAILURES must be a positive whole number"
    ):
        ConnectorLimits.from_environment({"CONFORMANCE_CONNECTOR_MAX_FAILURES": "1.5"})


# Answers each retrieve with what the test names (argv[1]): the key cut short by a quote, or JSON-escaped.
ECHO_KEY = """
import json, sys
for line in sys.stdin:
    request = json.loads(line)
    if request["op"] == "hello":
        print(json.dumps({"ok": True, "name": "echo", "version": "1"}), flush=True)
    elif sys.argv[1] == "cut":
        print(json.dumps({"ok": True, "modle": "x" * 170 + request["api_key"]}), flush=True)
    else:
        print("key: " + json.dumps(request["api_key"]), flush=True)
"""


@pytest.mark.parametrize("how", ["cut", "escaped"])
def test_no_part_of_the_key_is_quoted_however_the_connector_writes_it(how: str) -> None:
    key = 'sk-ant-api03-"quoted"-é-' + "k" * 40
    connector = Connector([sys.executable, "-c", ECHO_KEY, how], limits=ConnectorLimits(hello_timeout_s=10))
    connector.start()
    try:
        with pytest.raises(HarnessError) as raised:
            connector.answer(Call("http://127.0.0.1:9/c1", key, "claude-opus-4-6"))
    finally:
        connector.close()
    message = str(raised.value)
    assert "[REDACTED]" in message or "modle" in message, message
    assert "sk-ant" not in message and "kkkkkk" not in message, message
