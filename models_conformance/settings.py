"""The settings of a run, resolved in one place for every front end.

The options themselves are the table in :mod:`.options`. Values are
resolved **command line → environment → ini → profile default**, in :func:`resolve`, which also
checks them: a value that is not allowed is a :class:`SettingsError` (a usage error, exit 2) that says
what is allowed, raised before anything is sent.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .contract import DEFAULT_CONTRACT
from .limits import Limits
from .options import OPTIONS, PROFILES, Option
from .secret import Secret
from .sizes import parse_size, show_size

__all__ = ["Settings", "SettingsError", "resolve", "writable"]


class SettingsError(ValueError):
    """A setting has a value that is not allowed; the message says what is."""


@dataclass(frozen=True)
class Settings:
    base_url: str | None = None
    api_key: Secret | None = None
    contract: str = DEFAULT_CONTRACT
    models: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    seed: int = 0
    examples: int = 100
    timeout: float = 10.0
    profile: str = "default"
    max_body: int = Limits.max_body_bytes
    max_header_bytes: int = Limits.max_header_bytes
    max_headers: int = Limits.max_headers
    max_redirects: int = Limits.max_redirects
    max_requests: int | None = None
    rate: float | None = None
    max_throttle_wait: float = 60.0
    report_json: str | None = None
    report_html: str | None = None
    report_markdown: str | None = None
    report_junit: str | None = None
    baseline: str | None = None
    write_baseline: str | None = None
    record: str | None = None
    sources: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def limits(self) -> Limits:
        """What one answer of the target may take."""
        return Limits(
            self.timeout, self.max_body, self.max_header_bytes, self.max_headers, self.max_redirects
        )

    @property
    def lean(self) -> bool:
        """Probes share answers and sample the models (the live profile)."""
        return self.profile == "live"

    def outputs(self) -> list[str]:
        """The files this run writes."""
        paths = (self.report_json, self.report_html, self.report_markdown, self.report_junit)
        return [path for path in (*paths, self.write_baseline, self.record) if path]


def _number(option: Option, raw: Any, flag: str) -> int | float:
    kind: type[int] | type[float] = int if option.kind == "int" else float
    allowed = f"a {'whole number' if kind is int else 'number'} from {option.low:g} to {option.high:g}"
    try:
        value = kind(raw)
    except (TypeError, ValueError):
        raise SettingsError(f"{flag} must be {allowed}; got {raw!r}") from None
    if not option.low <= value <= option.high:
        raise SettingsError(f"{flag} must be {allowed}; got {raw!r}")
    return value


def _size(option: Option, raw: Any, flag: str) -> int:
    allowed = f"a size from {show_size(int(option.low))} to {show_size(int(option.high))}, such as 4MiB"
    try:
        value = raw if isinstance(raw, int) else parse_size(str(raw))
    except ValueError:
        raise SettingsError(f"{flag} must be {allowed}; got {raw!r}") from None
    if not option.low <= value <= option.high:
        raise SettingsError(f"{flag} must be {allowed}; got {raw!r}")
    return value


def _url(raw: str, flag: str) -> str:
    allowed = "an http(s) URL such as http://127.0.0.1:4010"
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:  # a port beyond 65535, or not a number
        raise SettingsError(f"{flag} must be {allowed}; got {raw!r} ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"{flag} must be {allowed}; got {raw!r}")
    if port == 0:
        raise SettingsError(f"{flag} must name a port from 1 to 65535; got {raw!r}")
    return raw.rstrip("/")


def writable(path: str, flag: str) -> str:
    """``path`` as a file this run may write: its folder is created; a folder or a place that cannot
    be written is a usage error before the run, not a traceback after it."""
    target = Path(path)
    if target.is_dir():
        raise SettingsError(
            f"{flag} names a folder, {path!r}; give a file path such as {path.rstrip('/')}/report"
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingsError(f"{flag}: cannot create the folder of {path!r} ({exc.strerror or exc})") from None
    if not os.access(target.parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise SettingsError(f"{flag}: {path!r} cannot be written (permission denied)")
    return path


def resolve(
    given: Mapping[str, Any],
    *,
    flag: Callable[[Option], str] = lambda option: option.flag,
    ini: Callable[[Option], Any] | None = None,
    defaults: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """The settings of a run: ``given`` (option name -> value from the command line) first, then
    the environment, then ``ini`` (a pytest ini reader), then the profile's and the front end's
    ``defaults``. ``flag`` names an option as the front end in use spells it, for messages."""
    environ = os.environ if env is None else env
    raw: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name, option in OPTIONS.items():
        value, source = given.get(name), "command line"
        if value in (None, [], ()) and option.env and environ.get(option.env):
            text = environ[option.env]
            value, source = (
                ([v.strip() for v in text.split(",") if v.strip()] if option.kind == "multiple" else text),
                option.env,
            )
        if value in (None, [], ()) and ini is not None and option.kind != "secret":
            value, source = ini(option), "ini"
        if value in (None, [], ()):
            value, source = None, "default"
        raw[name], sources[name] = value, source
    profile = raw["profile"] or "default"
    if profile not in PROFILES:
        raise SettingsError(
            f"{flag(OPTIONS['profile'])} must be one of {', '.join(PROFILES)}; got {profile!r}"
        )
    # A front end's own defaults (the client suite's shorter timeout) beat the default profile's; a
    # chosen profile's beat the front end's.
    front = dict(defaults or {})
    fallback = {**PROFILES[profile], **front} if profile == "default" else {**front, **PROFILES[profile]}
    values: dict[str, Any] = {}
    for name, option in OPTIONS.items():
        value = raw[name] if raw[name] is not None else fallback.get(name)
        if value is None:
            continue
        where = flag(option)
        if option.kind in ("int", "float"):
            value = _number(option, value, where)
        elif option.kind == "size":
            value = _size(option, value, where)
        elif option.kind == "choice" and value not in option.choices:
            raise SettingsError(f"{where} must be one of {', '.join(option.choices)}; got {value!r}")
        elif option.kind == "url":
            value = _url(str(value), where)
        elif option.kind == "path":
            value = writable(str(value), where)
        elif option.kind == "multiple":
            value = tuple(value)
        elif option.kind == "secret":
            value = value if isinstance(value, Secret) else Secret(str(value))
        values[option.dest] = value
    if "seed" not in values:
        values["seed"] = random.randrange(2**32)
    return Settings(**values, sources=sources)
