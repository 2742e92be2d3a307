"""Servers that attack their client: endless or exploding bodies, endless heads, a byte a second,
garbage, resets, JSON no parser should take, and redirects to elsewhere or nowhere.

A :class:`HostileServer` listens on 127.0.0.1 (raw sockets, one thread per connection) and answers
every request the way its mode says. Nothing big is built in memory: endless and huge bodies are
written piece by piece until the client goes away; the bombs are a few KB compressed.
"""

from __future__ import annotations

import functools
import http.client
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from types import TracebackType
from urllib.parse import urlsplit

import brotli
import zstandard

Handler = Callable[["HostileServer", socket.socket, bytes], None]

_ZEROS = b"\0" * (1 << 20)
HUGE = 300 * (1 << 20)  # bytes of the huge string


@functools.cache
def brotli_bomb() -> bytes:
    """512 MiB of zeros as brotli: about 1 KB."""
    compressor = brotli.Compressor(quality=1)
    return b"".join(compressor.process(_ZEROS) for _ in range(512)) + compressor.finish()


@functools.cache
def zstd_bomb() -> bytes:
    """512 MiB of zeros as zstd: about 16 KB."""
    writer = zstandard.ZstdCompressor(level=1).compressobj()
    return b"".join(writer.compress(_ZEROS) for _ in range(512)) + writer.flush()


def _head(status: str, *headers: str) -> bytes:
    return (f"HTTP/1.1 {status}\r\n" + "".join(f"{h}\r\n" for h in headers) + "\r\n").encode("latin-1")


def _answer(sock: socket.socket, status: str, body: bytes, *headers: str) -> None:
    length = f"Content-Length: {len(body)}"
    sock.sendall(
        _head(status, "Content-Type: application/json", length, "Connection: close", *headers) + body
    )


def _forever(sock: socket.socket, pieces: Iterator[bytes]) -> None:
    """Write until the client goes away."""
    for piece in pieces:
        sock.sendall(piece)


def _chunked(piece: bytes) -> Iterator[bytes]:
    framed = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    while True:
        yield framed


def endless_gzip(server: HostileServer, sock: socket.socket, head: bytes) -> None:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    # After a full flush the same input compresses to the same bytes: one block repeated is endless zeros.
    first = compressor.compress(_ZEROS) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(_ZEROS) + compressor.flush(zlib.Z_FULL_FLUSH)
    sock.sendall(_head("200 OK", "Content-Encoding: gzip", "Transfer-Encoding: chunked"))
    sock.sendall(f"{len(first):x}\r\n".encode() + first + b"\r\n")
    _forever(sock, _chunked(block))


def endless_chunked(server: HostileServer, sock: socket.socket, head: bytes) -> None:
    sock.sendall(_head("200 OK", "Content-Type: application/json", "Transfer-Encoding: chunked"))
    _forever(sock, _chunked(b"a" * 65536))


def huge_content_length(server: HostileServer, sock: socket.socket, head: bytes) -> None:
    sock.sendall(_head("200 OK", "Content-Type: application/json", "Content-Length: 10000000000000"))
    _forever(sock, iter(lambda: b"a" * 65536, None))


def _bomb(coding: str, make: Callable[[], bytes]) -> Handler:
    def handler(server: HostileServer, sock: socket.socket, head: bytes) -> None:
        bomb = make()
        headers = ("Content-Type: application/json", f"Content-Encoding: {coding}")
        sock.sendall(_head("200 OK", *headers, f"Content-Length: {len(bomb)}", "Connection: close") + bomb)

    return handler


def headers_forever(server: HostileServer, sock: socket.socket, head: bytes) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\n")
    _forever(sock, (f"X-Filler-{n}: {'a' * 100}\r\n".encode() for n in range(10**12)))


def many_headers(server: HostileServer, sock: socket.socket, head: bytes) -> None:
    _answer(sock, "200 OK", b'{"type": "model"}', *(f"X-Many-{n}: {n}" for n in range(1000)))


def one_byte_a_second(server: HostileServer, sock: socket.socket, head: bytes) -> None:
    answer = _head("200 OK", "Content-Type: application/json", "Content-Length: 17") + b'{"type": "model"}'
    for byte in answer:
        sock.sendall(bytes([byte]))
        if server.closed.wait(1.0):
            return


def _key(head: bytes) -> bytes:
    """The credential the client sent."""
    lines = head.split(b"\r\n")
    return next(
        (line.split(b":", 1)[1].strip() for line in lines if line.lower().startswith(b"x-api-key")), b""
    )


def echo_key(server: HostileServer, sock: socket.socket, head: bytes) -> None:
    """A model answer that carries the client's own key everywhere: headers, id, display name."""
    key = _key(head).decode("latin-1")
    body = f'{{"id": "{key}", "type": "model", "display_name": "{key}", "created_at": "{key}"}}'.encode()
    _answer(sock, "200 OK", body, f"Request-Id: {key}", f"X-Echo: {key}", f"Set-Cookie: session={key}")


def garbage(server: HostileServer, sock: socket.socket, head: bytes) -> None:
    # The credential the client sent comes back first: any quote of this answer must hide it.
    sock.sendall(_key(head) + b" SSH-2.0-OpenSSH_9.6 not HTTP at all\r\n" + head)


def reset_mid_body(server: HostileServer, sock: socket.socket, head: bytes) -> None:
    sock.sendall(_head("200 OK", "Content-Type: application/json", "Content-Length: 1000000") + b"a" * 1234)
    time.sleep(0.05)
    # A zero linger time makes close() send a reset, not an orderly end.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def deep_json(server: HostileServer, sock: socket.socket, head: bytes) -> None:
    _answer(sock, "200 OK", b"[" * 200_000 + b"]" * 200_000, "Request-Id: req_deep")


def long_number(server: HostileServer, sock: socket.socket, head: bytes) -> None:
    _answer(sock, "200 OK", b'{"id": ' + b"1" * 1_000_000 + b', "type": "model"}', "Request-Id: req_number")


def huge_string(server: HostileServer, sock: socket.socket, head: bytes) -> None:
    prefix, suffix = b'{"id": "', b'", "type": "model"}'
    length = len(prefix) + HUGE + len(suffix)
    sock.sendall(_head("200 OK", "Content-Type: application/json", f"Content-Length: {length}") + prefix)
    piece = b"a" * 65536
    _forever(sock, (piece for _ in range(HUGE // len(piece))))
    sock.sendall(suffix)


def redirect_elsewhere(server: HostileServer, sock: socket.socket, head: bytes) -> None:
    _answer(sock, "302 Found", b"{}", f"Location: {server.elsewhere}/v1/models/stolen")


def redirect_loop(server: HostileServer, sock: socket.socket, head: bytes) -> None:
    target = head.split(b" ", 2)[1].decode("latin-1")
    looped = target.replace("/again", "") if target.endswith("/again") else target + "/again"
    _answer(sock, "307 Temporary Redirect", b"{}", f"Location: {looped}")


def redirect_chain(server: HostileServer, sock: socket.socket, head: bytes) -> None:
    target = head.split(b" ", 2)[1].decode("latin-1")
    _answer(sock, "302 Found", b"{}", f"Location: {target}/more")


def redirect_same_origin(server: HostileServer, sock: socket.socket, head: bytes) -> None:
    """Every request moves to /moved/...; there the reference server answers (relayed)."""
    method, target = head.split(b" ", 2)[:2]
    path = target.decode("latin-1")
    if not path.startswith("/moved/"):
        _answer(sock, "308 Permanent Redirect", b"", f"Location: /moved{path}")
        return
    upstream = urlsplit(server.upstream)
    connection = http.client.HTTPConnection(upstream.hostname or "", upstream.port, timeout=10)
    lines = head.decode("latin-1").split("\r\n")[1:]
    headers = dict(
        line.split(": ", 1) for line in lines if ": " in line and not line.lower().startswith("host:")
    )
    connection.request(method.decode(), path.removeprefix("/moved"), headers=headers)
    reply = connection.getresponse()
    body = reply.read()
    kept = [f"{k}: {v}" for k, v in reply.getheaders() if k.lower() not in ("content-length", "connection")]
    status = f"{reply.status} {reply.reason}"
    sock.sendall(_head(status, *kept, f"Content-Length: {len(body)}", "Connection: close") + body)
    connection.close()


MODES: dict[str, Handler] = {
    "endless-gzip": endless_gzip,
    "endless-chunked": endless_chunked,
    "huge-content-length": huge_content_length,
    "brotli-bomb": _bomb("br", brotli_bomb),
    "zstd-bomb": _bomb("zstd", zstd_bomb),
    "headers-forever": headers_forever,
    "many-headers": many_headers,
    "one-byte-a-second": one_byte_a_second,
    "garbage": garbage,
    "echo-key": echo_key,
    "reset-mid-body": reset_mid_body,
    "deep-json": deep_json,
    "long-number": long_number,
    "huge-string": huge_string,
    "redirect-elsewhere": redirect_elsewhere,
    "redirect-loop": redirect_loop,
    "redirect-chain": redirect_chain,
    "redirect-same-origin": redirect_same_origin,
}


class HostileServer:
    """``with HostileServer("garbage") as server:`` ... ``server.url``; it counts requests and connections."""

    def __init__(self, mode: str, *, elsewhere: str = "", upstream: str = "") -> None:
        self.handler = MODES[mode]
        self.elsewhere = elsewhere  # redirect-elsewhere: the other origin named in Location
        self.upstream = upstream  # redirect-same-origin: the server that answers at /moved/...
        self.requests = 0
        self.connections = 0
        self.closed = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def __enter__(self) -> HostileServer:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.closed.set()
        self._listener.close()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        with sock:
            sock.settimeout(30)
            head = b""
            try:
                while b"\r\n\r\n" not in head and len(head) < 65536:
                    data = sock.recv(65536)
                    if not data:
                        return  # a connection that sends nothing: the command line's reachability check
                    head += data
                self.requests += 1
                self.handler(self, sock, head)
            except OSError:
                return  # the client went away: the end of every endless answer
