"""A connector's process: started in a session of its own, read and written with deadlines and bounds,
and ended with every process it started (:mod:`.reaper`).

Nothing here knows the protocol; :mod:`.connector` words what goes wrong.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from typing import IO

from . import reaper

__all__ = ["ConnectorProcess", "Exited", "LineTooLong", "TimedOut"]

_CHUNK = 65536
# How often a read that waits looks whether the process has exited: a process it started may hold
# stdout open, and then no end of file comes.
_EXIT_POLL_S = 0.1
# How long an ended process's last stderr lines are waited for (a process it started and that got
# away may hold stderr open).
_LAST_WORDS_S = 0.5


class Exited(Exception):
    """The process exited (``code``), or closed its stdout (``code`` None)."""

    def __init__(self, code: int | None) -> None:
        super().__init__(code)
        self.code = code


class TimedOut(Exception):
    """No whole line (or no room to write one) before the deadline."""


class LineTooLong(Exception):
    """A line longer than the limit; ``start`` is its beginning."""

    def __init__(self, start: bytes) -> None:
        super().__init__(start)
        self.start = start


class ConnectorProcess:
    def __init__(
        self,
        argv: Sequence[str],
        *,
        cwd: str | None,
        env: Mapping[str, str] | None,
        max_line: int,
        max_stderr: int,
    ) -> None:
        """Start ``argv``; :class:`OSError` when it cannot be run."""
        self._popen = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            bufsize=0,
            # A session of its own: no Ctrl-C of the terminal reaches it, and every process it starts
            # can be found and ended with it.
            start_new_session=True,
        )
        assert self._popen.stdin is not None and self._popen.stdout is not None
        assert self._popen.stderr is not None
        self.pid = self._popen.pid
        self._ended = False
        reaper.watch(self)
        self._max_line = max_line
        self._stdin = self._popen.stdin.fileno()
        os.set_blocking(self._stdin, False)  # a connector that reads nothing cannot block the suite
        self._stdout = self._popen.stdout.fileno()
        self._buffer = bytearray()
        self._scanned = 0  # bytes of the buffer known to hold no newline
        self._tail = _Tail(max_stderr)
        threading.Thread(
            target=self._tail.drain, args=(self._popen.stderr,), daemon=True, name="connector-stderr"
        ).start()

    def write_line(self, data: bytes, timeout: float) -> None:
        """Write ``data`` and a newline; :class:`Exited` or :class:`TimedOut` when it cannot."""
        view = memoryview(data + b"\n")
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self._stdin, selectors.EVENT_WRITE)
            while view:
                try:
                    view = view[os.write(self._stdin, view) :]
                    continue
                except BlockingIOError:
                    pass
                except OSError:  # a broken pipe: it exited, or closed its stdin
                    raise Exited(self._code()) from None
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimedOut
                selector.select(min(remaining, _EXIT_POLL_S))
                if self._popen.poll() is not None:
                    raise Exited(self._code())

    def read_line(self, timeout: float) -> bytes:
        """The next line that is not blank; :class:`Exited`, :class:`TimedOut` or :class:`LineTooLong`."""
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self._stdout, selectors.EVENT_READ)
            while True:
                line = self._take_line()
                if line is not None:
                    return line
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimedOut
                if selector.select(min(remaining, _EXIT_POLL_S)):
                    chunk = os.read(self._stdout, _CHUNK)
                    if not chunk:
                        raise Exited(self._code())
                    self._buffer += chunk
                elif self._popen.poll() is not None:
                    raise Exited(self._code())

    def unasked(self) -> bytes | None:
        """What the process printed since its last line was read, if anything but blanks."""
        with selectors.DefaultSelector() as selector:
            selector.register(self._stdout, selectors.EVENT_READ)
            if selector.select(0):
                chunk = os.read(self._stdout, _CHUNK)
                if not chunk:
                    raise Exited(self._code())
                self._buffer += chunk
        return bytes(self._buffer[:_CHUNK]) if self._buffer.strip() else None

    def stderr_lines(self, count: int) -> list[str]:
        """The last ``count`` lines of what it wrote to stderr (as much as is kept).

        Once it has ended, what it wrote last is waited for a moment (its stderr is read by a thread).
        """
        if self._ended:
            self._tail.done.wait(_LAST_WORDS_S)
        return self._tail.text().splitlines()[-count:]

    def wait(self, timeout: float) -> int | None:
        """Its exit code once it has exited on its own within ``timeout``; None if it has not."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            return self._popen.wait(timeout=timeout)
        return None

    def end(self) -> None:
        """Kill it and every process it started (its session), and let go of its pipes."""
        if self._ended:
            return  # once: its pid may be another process's by now
        self._ended = True
        reaper.forget(self)
        reaper.kill_session(self.pid)
        self.wait(timeout=1.0)  # killed: at once, unless the kernel holds it (uninterruptible I/O)
        for stream in (self._popen.stdin, self._popen.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def _take_line(self) -> bytes | None:
        while True:
            newline = self._buffer.find(b"\n", self._scanned)
            if newline < 0:
                self._scanned = len(self._buffer)
                if len(self._buffer) > self._max_line:
                    raise LineTooLong(bytes(self._buffer[:120]))
                return None
            if newline > self._max_line:
                raise LineTooLong(bytes(self._buffer[:120]))
            line = bytes(self._buffer[:newline])
            del self._buffer[: newline + 1]
            self._scanned = 0
            if line.strip():
                return line

    def _code(self) -> int | None:
        # Its stdout closes a moment before it exits.
        return self.wait(timeout=1.0)


class _Tail:
    """The last ``limit`` bytes a stream carried, read until it ends so that the writer never blocks."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._kept = bytearray()
        self._lock = threading.Lock()
        self.done = threading.Event()

    def drain(self, stream: IO[bytes]) -> None:
        fd = stream.fileno()
        with contextlib.suppress(OSError):
            while chunk := os.read(fd, _CHUNK):
                with self._lock:
                    self._kept += chunk[-self._limit :]
                    del self._kept[: max(0, len(self._kept) - self._limit)]
        with contextlib.suppress(OSError):
            stream.close()
        self.done.set()

    def text(self) -> str:
        with self._lock:
            return self._kept.decode("utf-8", "replace")
