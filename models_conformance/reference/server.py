"""Serving the reference app over real HTTP: in a thread, in the foreground, or in a subprocess.

uvicorn with httptools serves it. The socket is bound here, not by uvicorn, so that port 0 works (the
caller learns the port chosen) and a port in use is reported before anything starts.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import uvicorn

from .app import ASGIApp, create_app
from .catalog import Catalog
from .responses import error_response, json_headers, new_request_id

__all__ = ["ReferenceServer", "SpawnedServer", "is_loopback", "serve", "spawn"]

_LISTENING = "listening on "


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url_for(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket; raises OSError (errno EADDRINUSE when the port is taken)."""
    host = "127.0.0.1" if host == "localhost" else host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio turns Nagle off (TCP_NODELAY) only on accepted sockets whose proto
    # says TCP, and a socket made with proto 0 would delay each body by ~40 ms behind its headers.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        # Lets a restarted mock take its port back from connections in TIME_WAIT; two live
        # listeners on one port are still refused.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except BaseException:
        sock.close()
        raise
    return sock


# httptools parses a URL of at most 65,535 bytes (its offsets are 16-bit); a longer one fails to parse.
MAX_URL_BYTES = 0xFFFF
_REASONS = {400: b"Bad Request", 414: b"URI Too Long"}


def _protocol_class() -> Any:
    """uvicorn's HTTP protocol, answering requests it cannot parse with the API's error envelope.

    Without this a malformed request (a raw non-ASCII byte or a space in the URL, a URL over 64 KiB)
    would get uvicorn's text/plain 400, breaking the "every error is the envelope" rule.
    """
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as Base
    except ImportError:  # no httptools (PyPy): uvicorn's pure-Python h11 protocol
        from uvicorn.protocols.http.h11_impl import H11Protocol as Base  # type: ignore[assignment]

    class EnvelopeProtocol(Base):
        def send_400_response(self, msg: str) -> None:
            url_bytes = len(getattr(self, "url", b""))  # the URL received so far (httptools only)
            if url_bytes > MAX_URL_BYTES:
                msg = f"request URL is {url_bytes} bytes; this server accepts at most {MAX_URL_BYTES}"
            request_id = new_request_id()
            status = 414 if url_bytes > MAX_URL_BYTES else 400
            status, headers, body = error_response(status, msg, request_id)
            headers += json_headers(request_id, len(body))
            head = [b"HTTP/1.1 %d %s\r\n" % (status, _REASONS[status])]
            head += [
                name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers + headers
            ]
            head.append(b"connection: close\r\n\r\n")
            self.transport.write(b"".join(head) + body)
            self.transport.close()

    return EnvelopeProtocol if hasattr(Base, "send_400_response") else "auto"


def _config(app: ASGIApp) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        http=_protocol_class(),
        ws="none",
        lifespan="off",
        interface="asgi3",
        access_log=False,
        log_config=None,  # a library must not reconfigure the host process's logging
        server_header=False,
        timeout_graceful_shutdown=5,
    )


class _Server(uvicorn.Server):
    """uvicorn's server, telling a callback once it accepts requests."""

    def __init__(self, config: uvicorn.Config, on_started: Callable[[], None] | None = None) -> None:
        super().__init__(config)
        self._on_started = on_started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and self._on_started is not None:
            self._on_started()


class ReferenceServer:
    """The reference server on loopback in a background thread; a context manager.

    ``with ReferenceServer() as server: httpx.get(server.url + "/v1/models/claude-opus-4-6", ...)``.
    Installs no signal handlers, so it runs from any thread, several at a time.
    """

    def __init__(
        self,
        app: ASGIApp | None = None,
        *,
        catalog: Catalog | None = None,
        api_keys: Collection[str] | None = None,
        permissive: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
        startup_timeout: float = 10.0,
    ) -> None:
        if not is_loopback(host):
            raise ValueError(
                f"ReferenceServer serves on loopback only (127.0.0.1, ::1, localhost), got {host!r}"
            )
        self.app = app if app is not None else create_app(catalog, api_keys=api_keys, permissive=permissive)
        self._host = "127.0.0.1" if host == "localhost" else host.strip("[]")
        self._port = port
        self._startup_timeout = startup_timeout
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.url = ""

    def start(self) -> ReferenceServer:
        if self._thread is not None:
            raise RuntimeError("this ReferenceServer is already started")
        self._socket = bind(self._host, self._port)
        self.url = url_for(self._host, self._socket.getsockname()[1])
        self._server = _Server(_config(self.app))
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name=f"reference-server {self.url}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + self._startup_timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the reference server at {self.url} did not start (see the log)")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> ReferenceServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve(host: str, port: int, app: ASGIApp, ready: Callable[[str], None] | None = None) -> None:
    """Serve ``app`` in the foreground until SIGINT/SIGTERM; ``ready(url)`` once requests are accepted.

    Raises OSError when the address cannot be bound. uvicorn handles the signals when this runs in the
    main thread and re-raises them after a graceful shutdown (SIGINT as KeyboardInterrupt).
    """
    sock = bind(host, port)
    url = url_for(host.strip("[]"), sock.getsockname()[1])
    server = _Server(_config(app), on_started=None if ready is None else lambda: ready(url))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


class SpawnedServer:
    """A reference server in a child process (``python -m models_conformance.reference``).

    A context manager.
    """

    def __init__(self, process: subprocess.Popen[str], url: str, stderr: IO[bytes]) -> None:
        self.process = process
        self.url = url
        self._stderr = stderr

    def stderr_text(self) -> str:
        """What the child wrote to stderr so far (warnings, a traceback); "" for a quiet server."""
        return _read(self._stderr)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._stderr.close()

    def __enter__(self) -> SpawnedServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def spawn(argv_extra: Sequence[str] = (), timeout: float = 10.0) -> SpawnedServer:
    """Start ``python -m models_conformance.reference --port 0 ARGV_EXTRA...`` and wait for its address.

    Raises RuntimeError with the child's error output if it exits or stays silent for ``timeout`` s.
    """
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    # A file, not a pipe: nobody reads the child's stderr while it runs, and a full pipe would block it.
    stderr = tempfile.TemporaryFile()  # noqa: SIM115 - SpawnedServer.close() closes it
    command = [sys.executable, "-m", "models_conformance.reference", "--port", "0", *argv_extra]
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, text=True, env=env
    )
    server = SpawnedServer(process, "", stderr)
    first_line: list[str] = []
    assert process.stdout is not None
    stdout = process.stdout
    reader = threading.Thread(target=lambda: first_line.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    line = first_line[0].strip() if first_line else ""
    if not line.startswith(_LISTENING):
        if process.poll() is None:
            process.kill()
        process.wait()
        output = line or server.stderr_text() or "(none)"
        server.close()
        raise RuntimeError(
            f"{' '.join(command)} did not report its address within {timeout} s "
            f"(exit code {process.returncode}); its output: {output}"
        )
    server.url = line[len(_LISTENING) :]
    return server


def _read(stream: IO[bytes]) -> str:
    stream.seek(0)
    return stream.read().decode("utf-8", errors="replace").strip()
