"""Recordings that attack their reader, written into a folder by the tests (never committed).

Each writer makes one file and returns the reason the suite must give for it. The big ones are
streamed to disk; nothing here holds them in memory.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Callable
from pathlib import Path

from .hostile_servers import brotli_bomb, zstd_bomb

MIB = 1 << 20
REQUEST = "request: {method: GET, uri: 'http://127.0.0.1/v1/models/claude-x', body: ''}"
RESPONSE = "response: {status: {code: 200, message: OK}, headers: {content-type: [application/json]}}"


def alias_bomb(path: Path, marker: Path) -> str:
    """Billion laughs: nine levels of nine aliases, a billion strings once expanded."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    lines += ["interactions:", f"- {REQUEST}", f"  {RESPONSE}", "  laughs: *a9"]
    path.write_text("\n".join(lines) + "\n")
    return "the document holds more than 1,000,000 values once its aliases are expanded"


def deep_yaml(path: Path, marker: Path) -> str:
    path.write_text("interactions: " + "[" * 200_000 + "]" * 200_000 + "\n")
    return "the document is nested deeper than 100 levels"


def deep_json(path: Path, marker: Path) -> str:
    path.write_text('{"interactions": ' + "[" * 200_000 + "]" * 200_000 + "}")
    return "the document is nested deeper than 100 levels"


def invalid_utf8(path: Path, marker: Path) -> str:
    text = f"interactions:\n- {REQUEST}\n  {RESPONSE}\n# caf".encode()
    path.write_bytes(text + b"\xe9 \xff\xfe\n")  # Latin-1, not UTF-8
    return f"not a text file (byte {len(text)} is not UTF-8)"


def python_tags(path: Path, marker: Path) -> str:
    """Tags that PyYAML's unsafe loaders would construct or call: read as plain data, never run."""
    path.write_text(
        "interactions:\n"
        f"- !!python/object/apply:os.system ['touch {marker}']\n"
        f"- request: !!python/object/new:os.system ['touch {marker}']\n"
        f"  {RESPONSE}\n"
        "- !!python/object:__main__.Exploit {request: {method: GET, uri: 'http://127.0.0.1/v1/other'},\n"
        "    response: {status: 200}}\n"
    )
    return "interaction 0: not a mapping with `request` and `response`"


def false_gzip(path: Path, marker: Path) -> str:
    """A body that says gzip, starts like gzip, and is not gzip."""
    body = base64.b64encode(b"\x1f\x8b" + b"not gzip at all" * 20).decode()
    response = (
        "response: {status: {code: 200, message: OK}, "
        f"headers: {{content-encoding: [gzip]}}, body: {{string: !!binary '{body}'}}}}"
    )
    path.write_text(f"interactions:\n- {REQUEST}\n  {response}\n")
    return "the response body is recorded compressed but cannot be read: the gzip data is damaged"


_ZEROS = b"\0" * MIB


def _bombs() -> dict[str, bytes]:
    gzipped = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    deflated = zlib.compressobj(9)
    return {
        "gzip": b"".join(gzipped.compress(_ZEROS) for _ in range(256)) + gzipped.flush(),
        "deflate": b"".join(deflated.compress(_ZEROS) for _ in range(256)) + deflated.flush(),
        "br": brotli_bomb(),
        "zstd": zstd_bomb(),
    }


def decompression_bombs(path: Path, marker: Path) -> str:
    """Ruby VCR: one interaction per coding, each body 256 or 512 MiB of zeros in at most 700 KB of base64."""
    lines = ["http_interactions:"]
    request = "{method: get, uri: 'http://127.0.0.1/v1/models/claude-x', body: {encoding: '', string: ''}}"
    for coding, bomb in _bombs().items():
        lines += [
            f"- request: {request}",
            "  response:",
            "    status: {code: 200, message: OK}",
            f"    headers: {{Content-Encoding: [{coding}], Content-Type: [application/json]}}",
            f"    body: {{encoding: ASCII-8BIT, base64_string: '{base64.b64encode(bomb).decode()}'}}",
            "  recorded_at: Tue, 01 Apr 2025 00:00:00 GMT",
        ]
    path.write_text("\n".join([*lines, "recorded_with: VCR 6.2.0"]) + "\n")
    return "is recorded compressed and it decodes to more than 4 MiB (a decompression bomb?)"


def huge_file(path: Path, marker: Path) -> str:
    """300 MiB: one body string, written a MiB at a time."""
    with path.open("w") as file:
        file.write(f"interactions:\n- {REQUEST}\n  response: {{status: 200, body: {{string: '")
        piece = "a" * MIB
        for _ in range(300):
            file.write(piece)
        file.write("'}}\n")
    return f"the file is {path.stat().st_size:,} bytes, over the 16 MiB limit (--max-file-size)"


def many_interactions(path: Path, marker: Path) -> str:
    """250,000 interactions, each written out (no aliases): 14.5 MB, under the size limit."""
    entry = "- {request: {method: GET, uri: /}, response: {status: 200}}\n"
    with path.open("w") as file:
        file.write("interactions:\n")
        for _ in range(250):
            file.write(entry * 1000)
    assert path.stat().st_size < 16 * MIB
    return "the file holds more than 10,000 interactions (--max-interactions)"


# name -> (file name, writer, whether the whole file is refused rather than some of its interactions)
Writer = Callable[[Path, Path], str]
RECORDINGS: dict[str, tuple[str, Writer, bool]] = {
    "alias-bomb": ("alias-bomb.yaml", alias_bomb, True),
    "deep-yaml": ("deep.yaml", deep_yaml, True),
    "deep-json": ("deep.json", deep_json, True),
    "invalid-utf8": ("latin1.yaml", invalid_utf8, True),
    "python-tags": ("tags.yaml", python_tags, False),
    "false-gzip": ("false-gzip.yaml", false_gzip, False),
    "decompression-bombs": ("bombs.yml", decompression_bombs, False),
    "huge-file": ("huge.yaml", huge_file, True),
    "many-interactions": ("many.yaml", many_interactions, True),
}
