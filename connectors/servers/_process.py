"""Starting a server as its own process group, waiting until it answers HTTP, and stopping it.

Every server listens on 127.0.0.1 only. Stopping sends SIGTERM to the group the server was started
in (gateways fork workers), waits, then SIGKILLs it: a server never outlives its run, also when the
run fails.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx


class StartError(RuntimeError):
    """The server exited or did not answer in time; the message ends with the tail of its log."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tail(path: Path, lines: int = 12) -> str:
    if not path.is_file():
        return "(no log)"
    text = path.read_text(encoding="utf-8", errors="replace")
    return "\n".join(re.sub(r"\x1b\[[0-9;]*m", "", line) for line in text.splitlines()[-lines:])


def base_env(home: Path) -> dict[str, str]:
    """A small, fixed environment: no proxies, keys or settings of the caller leak into a target."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8"}


@contextlib.contextmanager
def running(
    argv: list[str], env: Mapping[str, str], log: Path, cwd: Path, stop_timeout: float = 10.0
) -> Iterator[subprocess.Popen[bytes]]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        try:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=dict(env),
                cwd=cwd,
                start_new_session=True,  # its own process group, so that its workers stop with it
            )
        except OSError as exc:
            raise StartError(f"cannot start {argv[0]}: {exc.strerror or exc}") from None
    try:
        yield process
    finally:
        stop(process, stop_timeout)


def stop(process: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM to the group, SIGKILL after ``timeout``; then SIGKILL to whatever is left in the group.

    The leader is waited for without being reaped until the end: while it is a zombie its pid, which
    is the group's id, cannot be given to another process, so the signals reach only this group.
    """
    if process.returncode is None:
        _signal_group(process, signal.SIGTERM)
        if not _exited_unreaped(process.pid, timeout):
            _signal_group(process, signal.SIGKILL)
            _exited_unreaped(process.pid, timeout)
        _signal_group(process, signal.SIGKILL)  # workers that outlived the leader
    process.wait()


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


def _exited_unreaped(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if exit_status(pid) is not None:
            return True
        time.sleep(0.05)
    return False


def exit_status(pid: int) -> int | None:
    """The exit status of a child that has exited (negative: the signal), else None; it is not reaped."""
    try:
        info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT | os.WNOHANG)
    except ChildProcessError:
        return 0
    if info is None:
        return None
    return info.si_status if info.si_code == os.CLD_EXITED else -info.si_status


def wait_until_answering(url: str, process: subprocess.Popen[bytes], timeout: float, log: Path) -> float:
    """Seconds until ``url`` answered anything over HTTP; StartError if the process exits or time runs out."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        status = exit_status(process.pid)
        if status is not None:
            raise StartError(f"it exited with status {status} before serving:\n{tail(log)}")
        with contextlib.suppress(httpx.TransportError):
            httpx.get(url, timeout=2.0, trust_env=False)
            return time.monotonic() - start
        time.sleep(0.25)
    raise StartError(f"nothing answered at {url} within {timeout:.0f} s:\n{tail(log)}")


def read_listening_url(process: subprocess.Popen[bytes], log: Path, timeout: float = 30.0) -> str:
    """The URL a `models-conformance mock --port 0` prints once it listens."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", log.read_text(errors="replace"))
        if found:
            return found.group(1)
        status = exit_status(process.pid)
        if status is not None:
            raise StartError(f"the reference server exited with status {status}:\n{tail(log)}")
        time.sleep(0.1)
    raise StartError(f"the reference server printed no address within {timeout:.0f} s:\n{tail(log)}")
