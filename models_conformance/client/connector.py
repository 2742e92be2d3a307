"""A client in any language, driven through its connector process (protocol in :mod:`.protocol`).

The connector is started once and kept for the run. When it crashes, hangs past a call's deadline
or prints something that is not one JSON object per line, the call in progress gets a
:class:`HarnessError` (the check reports a harness error, not a client failure), the process is
ended, and the next call starts it again.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from typing import IO, Any

from .protocol import (
    Answer,
    Call,
    CallTimedOut,
    HarnessError,
    call_deadline,
    hello_takes_betas,
    parse_answer,
    parse_hello,
)

__all__ = ["Connector", "ConnectorMissing", "ConnectorUnavailable"]

HELLO_TIMEOUT_S = 30.0  # a cold `npx` or JVM may take this long to say hello
STOP_TIMEOUT_S = 2.0


class ConnectorMissing(Exception):
    """The connector command does not exist: a usage error."""


class ConnectorUnavailable(Exception):
    """The connector starts but exits at once or never says hello: the client cannot be reached."""


class Connector:
    """The connector command as a :class:`~models_conformance.client.protocol.Driver`."""

    def __init__(
        self,
        command: str | Sequence[str],
        *,
        cwd: str | None = None,
        env: Mapping[str, str] | None = None,
        hello_timeout: float = HELLO_TIMEOUT_S,
    ) -> None:
        self.command = command if isinstance(command, str) else shlex.join(command)
        self.argv = shlex.split(command) if isinstance(command, str) else list(command)
        if not self.argv:
            raise ConnectorMissing("the connector command is empty")
        self._cwd = cwd
        self._env = dict(env) if env is not None else None
        self._hello_timeout = hello_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self.name = ""
        self.version = ""
        self.takes_betas = True
        self.starts = 0

    def describe(self) -> str:
        return f"connector: {self.command}"

    def start(self) -> tuple[str, str]:
        """Start the connector and say hello; its ``(name, version)``.

        :class:`ConnectorMissing` when the command does not exist, :class:`ConnectorUnavailable`
        when it exits or stays silent instead of answering hello.
        """
        self._spawn()
        try:
            answer = self._ask({"op": "hello", "protocol": 1}, self._hello_timeout)
            self.name, self.version = parse_hello(answer)
            self.takes_betas = hello_takes_betas(answer)
        except HarnessError as exc:
            self._end()
            raise ConnectorUnavailable(f"{self.command}: {exc}") from None
        return self.name, self.version

    def answer(self, call: Call) -> Answer:
        if self._process is None:
            try:
                self.start()
            except (ConnectorMissing, ConnectorUnavailable) as exc:
                raise HarnessError(f"the connector could not be restarted: {exc}") from None
        return parse_answer(self._ask(call.message(), call_deadline(call)))

    def close(self) -> None:
        process = self._process
        if process is not None and process.poll() is None:
            with contextlib.suppress(OSError):
                self._send({"op": "stop"})
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=STOP_TIMEOUT_S)
        self._end()
        self._stderr.close()

    def stderr_tail(self, lines: int = 3) -> str:
        """The last lines the connector logged (its stderr is free-form); "" when it said nothing."""
        self._stderr.seek(0)
        text = self._stderr.read().decode("utf-8", "replace").strip()
        self._stderr.seek(0, os.SEEK_END)
        return " | ".join(text.splitlines()[-lines:])

    def _spawn(self) -> None:
        executable = self.argv[0]
        if shutil.which(executable, path=os.environ.get("PATH")) is None and not os.path.isfile(
            os.path.join(self._cwd or "", executable)
        ):
            raise ConnectorMissing(f"connector command not found: {executable!r} (from {self.command!r})")
        try:
            self._process = subprocess.Popen(
                self.argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                cwd=self._cwd,
                env=self._env,
                # Its own process group, so that a hung connector's children (npx -> node) end with it.
                start_new_session=True,
            )
        except OSError as exc:
            raise ConnectorMissing(
                f"cannot run the connector {self.command!r}: {exc.strerror or exc}"
            ) from None
        self.starts += 1
        self._lines = queue.Queue()
        stdout = self._process.stdout
        assert stdout is not None
        threading.Thread(
            target=_pump, args=(stdout, self._lines), daemon=True, name="connector-stdout"
        ).start()

    def _send(self, message: dict[str, Any]) -> None:
        assert self._process is not None and self._process.stdin is not None
        self._process.stdin.write(json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n")
        self._process.stdin.flush()

    def _ask(self, message: dict[str, Any], deadline_s: float) -> Any:
        """Send one message and read one answer line; any trouble ends the process."""
        started = time.monotonic()
        try:
            self._send(message)
        except OSError:
            raise self._crashed("before it could read its input") from None
        try:
            line = self._lines.get(timeout=deadline_s)
        except queue.Empty:
            self._end()
            raise CallTimedOut(
                f"harness error: the connector gave no answer within {deadline_s:.1f} s (ended, restarted "
                f"for the next check){self._log()}",
                after_s=time.monotonic() - started,
            ) from None
        if line is None:
            raise self._crashed("before answering")
        try:
            return json.loads(line)
        except ValueError:
            self._end()
            shown = line.strip()[:120].decode("utf-8", "replace")
            raise HarnessError(
                f"harness error: the connector printed a line that is not JSON: {shown!r} "
                f"(restarted for the next check; log to stderr instead){self._log()}"
            ) from None

    def _crashed(self, when: str) -> HarnessError:
        process = self._process
        code = None
        if process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = process.wait(timeout=1.0)
        self._end()
        return HarnessError(
            f"harness error: the connector exited (code {code}) {when} "
            f"(restarted for the next check){self._log()}"
        )

    def _log(self) -> str:
        tail = self.stderr_tail()
        return f"; its stderr: {tail}" if tail else ""

    def _end(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


def _pump(stream: IO[bytes], lines: queue.Queue[bytes | None]) -> None:
    """Move the connector's stdout lines to a queue, so that a read can have a deadline."""
    try:
        for line in stream:
            if line.strip():
                lines.put(line)
    except (OSError, ValueError):
        pass
    lines.put(None)
