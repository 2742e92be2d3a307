"""What the driver needs to know about a foreign server: how to install it, start it and judge it.

Each folder beside this file (``prism/``, ``litellm/``, ...) holds one piece of foreign software: its
pinned install (``package.json`` or ``requirements.txt``), its configuration, and a ``launch.py``
whose ``TARGETS`` lists :class:`TargetSpec` objects. The driver turns a spec into processes; the
verdict document renders the same spec once more with the fixed ports and placeholder keys of
:func:`Launch.for_docs`, so that the document does not change from one run to the next.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

# The upstream that proxies and gateways forward to: the reference server, with a key of its own.
DOC_UPSTREAM_PORT = 4020
DOC_GATEWAY_KEY = "$GATEWAY_KEY"
DOC_UPSTREAM_KEY = "$UPSTREAM_KEY"
DOC_ANY_KEY = "any-key"  # a target that checks no key still needs one sent


@dataclass(frozen=True)
class Launch:
    """Everything a target's command depends on, for a real run or for the document."""

    port: int
    key: str  # the key the suite sends to the target
    upstream: str | None  # the reference server's base URL, when the target forwards to it
    upstream_key: str | None  # the key the target must send upstream
    home: str  # where the target is installed (node_modules/ or a virtualenv)
    work: str  # a scratch folder of this run: generated configuration, logs
    root: str  # the repository root
    conformance: tuple[str, ...]  # how to call the project's own command line

    @classmethod
    def for_docs(cls, spec: TargetSpec) -> Launch:
        return cls(
            port=spec.doc_port,
            key=doc_key(spec),
            upstream=f"http://127.0.0.1:{DOC_UPSTREAM_PORT}" if spec.upstream else None,
            upstream_key=DOC_UPSTREAM_KEY if spec.upstream else None,
            home=f"foreign/{spec.folder.name}",
            work=f"foreign/{spec.folder.name}",
            root=".",
            conformance=("models-conformance",),
        )

    def at_root(self, relative: str) -> str:
        return relative if self.root == "." else str(Path(self.root) / relative)


@dataclass(frozen=True)
class Npm:
    """npm installs the exact versions of this package.json into the target's home."""

    manifest: str = "package.json"
    packages: tuple[str, ...] = ()  # whose versions the document records
    kind: Literal["npm"] = "npm"


@dataclass(frozen=True)
class Pip:
    """A virtualenv of its own (its pins clash with the project's), from this requirements file."""

    requirements: str = "requirements.txt"
    packages: tuple[str, ...] = ()  # whose versions the document records
    kind: Literal["pip"] = "pip"


@dataclass(frozen=True)
class TargetSpec:
    name: str  # the key of reports and judgments, e.g. "prism-static"
    title: str
    about: str  # what it is, how it is set up here, what the upstream is
    folder: Path
    command: Callable[[Launch], list[str]]
    install: Npm | Pip | None = None  # None: the project's own software, nothing to install
    env: Callable[[Launch], Mapping[str, str]] = field(default=lambda launch: {})
    base_path: str = ""  # where the Anthropic API is mounted on the target, e.g. "/anthropic"
    upstream: bool = False  # whether the reference server runs behind it
    forwards_key: bool = False  # the caller's key goes upstream unchanged (a transparent proxy)
    suite_args: tuple[str, ...] = ()  # extra options for `models-conformance server`
    doc_port: int = 4010
    ready_path: str = "/v1/models"  # any HTTP answer here means it is serving
    ready_timeout: float = 120.0
    stop_timeout: float = 10.0

    def base_url(self, launch: Launch) -> str:
        return f"http://127.0.0.1:{launch.port}{self.base_path}"

    def shell(self, launch: Launch) -> str:
        """The start command as one shell line (environment first; placeholders like $KEY unquoted)."""
        env = " ".join(f"{name}={shell_word(value)}" for name, value in self.env(launch).items())
        command = " ".join(shell_word(word) for word in self.command(launch))
        return f"{env} {command}" if env else command


def doc_key(spec: TargetSpec) -> str:
    """The key the suite sends, as the document writes it."""
    if spec.forwards_key:
        return DOC_UPSTREAM_KEY
    return DOC_GATEWAY_KEY if spec.upstream else DOC_ANY_KEY


def shell_word(word: str) -> str:
    """Quoted for a POSIX shell, except a word that is a $NAME reference (or ends in one)."""
    for placeholder in (DOC_GATEWAY_KEY, DOC_UPSTREAM_KEY):
        if word.endswith(placeholder):
            head = word[: -len(placeholder)]
            return (shlex.quote(head) if head else "") + f'"{placeholder}"'
    return shlex.quote(word)
