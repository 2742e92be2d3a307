"""A client in any language, driven through its connector process (protocol in :mod:`.protocol`).

The connector is started once and kept for the run, in a session of its own (:mod:`.process`). When
it exits, hangs past a call's deadline, prints a line that is not JSON, a line past the length limit
or output no request asked for, the call in progress gets a :class:`HarnessError` (the check reports
a harness error, not a client failure), the connector is ended with every process it started, and
the next call starts it again, up to :attr:`ConnectorLimits.max_failures` failures in a row. An
answer that breaks the protocol's schema is a harness error too; the connector, still in step, is kept.

The bounds are :class:`ConnectorLimits`, each set by an environment variable (``LIMIT_VARIABLES``).
The ``api_key`` of every call is replaced by ``[REDACTED]`` wherever a message quotes the connector.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..secret import REDACTED
from .process import ConnectorProcess, Exited, LineTooLong, TimedOut
from .protocol import (
    GRACE_S,
    HELLO,
    STOP,
    Answer,
    Call,
    CallTimedOut,
    HarnessError,
    call_deadline,
    hello_takes_betas,
    parse_answer,
    parse_hello,
)

__all__ = ["LIMIT_VARIABLES", "Connector", "ConnectorLimits", "ConnectorMissing", "ConnectorUnavailable"]

_STDERR_LINES = 3  # quoted in a message, each cut to _QUOTED characters
_QUOTED = 200


class ConnectorMissing(Exception):
    """The connector cannot be run as given (no such command, a bad limit): a usage error."""


class ConnectorUnavailable(Exception):
    """The connector starts but exits at once or never says hello: the client cannot be reached."""


@dataclass(frozen=True)
class ConnectorLimits:
    """How long a connector may take and how much it may print."""

    hello_timeout_s: float = 30.0  # a cold `npx` or JVM may take this long to say hello
    stop_timeout_s: float = 2.0  # after stop, before it is killed
    grace_s: float = GRACE_S  # a call's deadline beyond its timeouts and retry delays
    max_line_bytes: int = 4 * 1024 * 1024  # one answer line; a model is a few kilobytes
    max_stderr_bytes: int = 8192  # the end of its stderr, kept to quote in messages
    max_failures: int = 3  # failed calls in a row, each with a restart, before it is given up

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> ConnectorLimits:
        """The defaults, with each variable of :data:`LIMIT_VARIABLES` that is set; :class:`ConnectorMissing`
        when one is not a positive number."""
        environ = os.environ if environ is None else environ
        limits = cls()
        for name, variable in LIMIT_VARIABLES.items():
            raw = environ.get(variable, "").strip()
            if not raw:
                continue
            kind = type(getattr(limits, name))
            try:
                value = kind(raw)
            except ValueError:
                value = 0
            if value <= 0:
                wanted = "a positive whole number" if kind is int else "a positive number"
                raise ConnectorMissing(f"{variable} must be {wanted}, got {raw!r}")
            limits = replace(limits, **{name: value})
        return limits


LIMIT_VARIABLES = {
    "hello_timeout_s": "CONFORMANCE_CONNECTOR_HELLO_TIMEOUT",
    "stop_timeout_s": "CONFORMANCE_CONNECTOR_STOP_TIMEOUT",
    "grace_s": "CONFORMANCE_CONNECTOR_GRACE",
    "max_line_bytes": "CONFORMANCE_CONNECTOR_MAX_LINE",
    "max_stderr_bytes": "CONFORMANCE_CONNECTOR_MAX_STDERR",
    "max_failures": "CONFORMANCE_CONNECTOR_MAX_FAILURES",
}


class _Broke(Exception):
    """The connector broke the protocol or a bound, and has been ended."""

    def __init__(self, text: str, log: str, after_s: float | None = None) -> None:
        super().__init__(text)
        self.text, self.log, self.after_s = text, log, after_s


class Connector:
    """The connector command as a :class:`~models_conformance.client.protocol.Driver`."""

    def __init__(
        self,
        command: str | Sequence[str],
        *,
        cwd: str | None = None,
        env: Mapping[str, str] | None = None,
        limits: ConnectorLimits | None = None,
    ) -> None:
        self.command = command if isinstance(command, str) else shlex.join(command)
        self.argv = shlex.split(command) if isinstance(command, str) else list(command)
        if not self.argv:
            raise ConnectorMissing("the connector command is empty")
        self.limits = limits if limits is not None else ConnectorLimits.from_environment()
        self._cwd = cwd
        self._env = dict(env) if env is not None else None
        self._process: ConnectorProcess | None = None
        self._secrets: set[str] = set()
        self._failures = 0  # in a row
        self._last_failure = ""
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
        try:
            self._launch()
        except _Broke as exc:
            raise ConnectorUnavailable(f"{self.command}: {exc.text}{exc.log}") from None
        return self.name, self.version

    def answer(self, call: Call) -> Answer:
        __tracebackhide__ = True  # for pytest: the message says it all, and these frames hold the key
        given_up = self.limits.max_failures
        if self._failures >= given_up:
            raise HarnessError(
                f"harness error: the connector failed {given_up} calls in a row and is not started again "
                f"({LIMIT_VARIABLES['max_failures']}={given_up}); the last: {self._last_failure}"
            )
        self._secrets.add(call.api_key)
        try:
            if self._process is None:
                self._restart()
            answer = self._parse(self._ask(call.message(), call_deadline(call, self.limits.grace_s)))
        except (_Broke, HarnessError) as exc:
            self._failures += 1
            self._last_failure = self._redact(str(exc))
            message = f"harness error: {self._last_failure}"
            if isinstance(exc, _Broke):
                again = "restarted for the next check" if self._failures < given_up else "not started again"
                message += f" (ended, {again}){exc.log}"
            if isinstance(exc, _Broke) and exc.after_s is not None:
                raise CallTimedOut(message, exc.after_s) from None
            raise HarnessError(message) from None
        self._failures = 0
        return answer

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        try:
            process.write_line(json.dumps(STOP).encode(), self.limits.stop_timeout_s)
            process.wait(self.limits.stop_timeout_s)
        except (Exited, TimedOut):
            pass
        process.end()

    def _launch(self) -> None:
        """Start the connector and read its hello; :class:`_Broke` (it is ended) when it does not say it."""
        self._spawn()
        try:
            answer = self._ask(HELLO, self.limits.hello_timeout_s)
            self.name, self.version = parse_hello(answer)
        except HarnessError as exc:
            raise self._broke(str(exc)) from None
        self.takes_betas = hello_takes_betas(answer)

    def _restart(self) -> None:
        try:
            self._launch()
        except ConnectorMissing as exc:
            raise _Broke(f"the connector could not be restarted: {exc}", "") from None
        except _Broke as exc:
            raise _Broke(f"the connector could not be restarted: {exc.text}", exc.log) from None

    def _spawn(self) -> None:
        executable = self.argv[0]
        if shutil.which(executable, path=os.environ.get("PATH")) is None and not os.path.isfile(
            os.path.join(self._cwd or "", executable)
        ):
            raise ConnectorMissing(f"connector command not found: {executable!r} (from {self.command!r})")
        try:
            self._process = ConnectorProcess(
                self.argv,
                cwd=self._cwd,
                env=self._env,
                max_line=self.limits.max_line_bytes,
                max_stderr=self.limits.max_stderr_bytes,
            )
        except OSError as exc:
            raise ConnectorMissing(
                f"cannot run the connector {self.command!r}: {exc.strerror or exc}"
            ) from None
        self.starts += 1

    def _ask(self, message: dict[str, Any], timeout: float) -> Any:
        """Send one message and read one answer line; :class:`_Broke` (it is ended) on any trouble."""
        process = self._process
        assert process is not None
        started = time.monotonic()
        try:
            unasked = process.unasked()
            if unasked is not None:
                raise self._broke(
                    f"the connector printed output no request asked for: {self._quote(unasked)} "
                    "(one answer line per request; anything else goes to stderr)"
                )
            process.write_line(json.dumps(message, ensure_ascii=False).encode("utf-8"), timeout)
            line = process.read_line(timeout - (time.monotonic() - started))
        except Exited as exc:
            gone = "closed its stdout" if exc.code is None else f"exited (code {exc.code})"
            raise self._broke(f"the connector {gone} before answering") from None
        except TimedOut:
            after = time.monotonic() - started
            raise self._broke(f"the connector gave no answer within {timeout:.1f} s", after) from None
        except LineTooLong as exc:
            raise self._broke(
                f"the connector printed a line longer than {self.limits.max_line_bytes} bytes "
                f"({LIMIT_VARIABLES['max_line_bytes']}), starting {self._quote(exc.start, 40)}"
            ) from None
        try:
            return json.loads(line)
        except ValueError:
            raise self._broke(
                f"the connector printed a line that is not JSON (logs go to stderr): {self._quote(line)}"
            ) from None

    def _broke(self, text: str, after_s: float | None = None) -> _Broke:
        """End the connector; the trouble, with the end of its stderr."""
        process, self._process = self._process, None
        lines: list[str] = []
        if process is not None:
            process.end()
            lines = [self._redact(line).strip()[:_QUOTED] for line in process.stderr_lines(_STDERR_LINES)]
        log = f"; its stderr: {' | '.join(lines)}" if any(lines) else ""
        return _Broke(self._redact(text), log, after_s)

    def _parse(self, data: Any) -> Answer:
        try:
            return parse_answer(data)
        except HarnessError as exc:
            # Worded again from the answer without the key: a quote cut short could hold part of it.
            try:
                parse_answer(self._scrubbed(data))
            except HarnessError as scrubbed:
                raise scrubbed from None
            raise HarnessError(self._redact(str(exc))) from None

    def _scrubbed(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._redact(value)
        if isinstance(value, list):
            return [self._scrubbed(item) for item in value]
        if isinstance(value, dict):
            return {self._redact(key): self._scrubbed(item) for key, item in value.items()}
        return value

    def _redact(self, text: str) -> str:
        """``text`` without the calls' keys, as they are or as JSON writes them."""
        for secret in self._secrets:
            for form in {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}:
                text = text.replace(form, REDACTED) if form else text
        return text

    def _quote(self, data: bytes, limit: int = 120) -> str:
        """A line it printed, for a message: the keys out before it is cut short."""
        return repr(self._redact(data.decode("utf-8", "replace")).strip()[:limit])
