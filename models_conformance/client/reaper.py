"""Ending a connector with every process it started: now, or when the interpreter exits.

A connector runs in a session of its own; ending it kills its process group, every other process of
its session, and their descendants. One still running when the interpreter exits (normally, on an
exception, on Ctrl-C, on SIGTERM or SIGHUP) is ended then. Out of reach: a descendant that left the
session and whose parent is gone (a daemon), and everything when the suite itself is killed with
SIGKILL (a connector that reads its stdin sees it close then).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import threading
import time
from types import FrameType
from typing import Protocol

__all__ = ["forget", "kill_session", "watch"]

# How long the processes of a killed session are waited for: a signal lands a moment after it is sent.
_KILLED_S = 1.0


class Endable(Protocol):
    def end(self) -> None: ...


_LIVE: set[Endable] = set()
_watching = False


def watch(process: Endable) -> None:
    """End ``process`` when the interpreter exits, unless :func:`forget` is called first."""
    _LIVE.add(process)
    _watch_exit()


def forget(process: Endable) -> None:
    _LIVE.discard(process)


def kill_session(leader: int) -> None:
    """SIGKILL the process group and the session that ``leader`` started, and their descendants;
    return once they are gone."""
    doomed = _session_members(leader)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(leader, signal.SIGKILL)
    for pid in doomed:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + _KILLED_S
    while any(_running(pid) for pid in doomed) and time.monotonic() < deadline:
        time.sleep(0.005)


def _stat(pid: str | int) -> list[bytes] | None:
    """Fields of /proc/PID/stat after the command name: state, ppid, pgrp, session, ... (Linux)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            # The command name, in parentheses, may hold spaces and parentheses itself.
            return stat.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _running(pid: int) -> bool:
    """Not gone, and not a zombie waiting for its parent to read its status."""
    fields = _stat(pid)
    return fields is not None and fields[0] not in (b"Z", b"X")


def _session_members(leader: int) -> set[int]:
    """The processes of ``leader``'s session (its other groups too) and their descendants that left it.

    The leader's pid stays reserved while any process is in its session, so no stranger is named.
    Elsewhere than Linux (no /proc), none: the process group alone is killed.
    """
    parents: dict[int, int] = {}
    found = {leader}
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            fields = _stat(entry.name) if entry.name.isdigit() else None
            if fields is None:
                continue
            pid = int(entry.name)
            parents[pid] = int(fields[1])
            if int(fields[3]) == leader:
                found.add(pid)
    while children := {pid for pid, parent in parents.items() if parent in found} - found:
        found |= children
    return found - {leader}


def _end_all() -> None:
    for process in list(_LIVE):
        process.end()


def _watch_exit() -> None:
    """Once: end every live connector at exit, and on SIGTERM or SIGHUP before dying of it."""
    global _watching
    if _watching:
        return
    _watching = True
    atexit.register(_end_all)
    if threading.current_thread() is not threading.main_thread():
        return  # signal handlers can only be set from the main thread; atexit still covers a normal exit
    for signum in (signal.SIGTERM, signal.SIGHUP):
        # A handler of the application's own is left alone: it decides how the process ends.
        if signal.getsignal(signum) == signal.SIG_DFL:
            signal.signal(signum, _end_all_and_die)


def _end_all_and_die(signum: int, frame: FrameType | None) -> None:
    _end_all()
    signal.signal(signum, signal.SIG_DFL)
    sys.stderr.flush()
    os.kill(os.getpid(), signum)
