"""Settings of a conformance run, resolved in one place: command line → environment → ini → default."""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from typing import Any

import pytest

from .schemas import CONTRACTS, DEFAULT_CONTRACT
from .sizes import GIB, KIB, parse_size, show_size
from .transport import MAX_HEADER_BYTES_CEILING, Limits

__all__ = ["OPTIONS", "PROFILES", "Settings", "SettingsError", "add_options", "resolve"]


# Defaults per profile. "live" is for real, rate-limited, paid endpoints: small enough for a free-tier key.
# It is lean: checks share answers and sample the models, so every MUST is judged within its budget, and
# the generated ids get what the budget has left (at most `examples`).
PROFILES: dict[str, dict[str, Any]] = {
    "default": {"examples": 100, "timeout": 10, "max-throttle-wait": 60},
    "live": {"examples": 100, "timeout": 30, "max-throttle-wait": 120, "max-requests": 60, "rate": 1.0},
}
LEAN_PROFILES = frozenset({"live"})


class SettingsError(ValueError):
    """A setting has a value that is not allowed; the message says what is."""


@dataclass(frozen=True)
class Option:
    name: str  # the pytest option is --conformance-<name>, the ini key conformance_<name>
    env: str | None
    help: str
    multiple: bool = False
    secret: bool = False  # never read from an ini file: keys do not belong in config files

    @property
    def flag(self) -> str:
        return f"--conformance-{self.name}"

    @property
    def dest(self) -> str:
        return f"conformance_{self.name.replace('-', '_')}"


OPTIONS = (
    Option(
        "base-url",
        "CONFORMANCE_BASE_URL",
        "URL of the server under test; none: the embedded reference server",
    ),
    Option(
        "api-key",
        "ANTHROPIC_API_KEY",
        "API key sent to the target (default: $ANTHROPIC_API_KEY)",
        secret=True,
    ),
    Option("contract", "CONFORMANCE_CONTRACT", f"contract version to test: {' or '.join(CONTRACTS)}"),
    Option(
        "model",
        "CONFORMANCE_MODELS",
        "a model id to test (repeat; default: discovered via GET /v1/models)",
        multiple=True,
    ),
    Option("alias", "CONFORMANCE_ALIASES", "an alias the target must resolve (repeat)", multiple=True),
    Option("report-json", "CONFORMANCE_REPORT_JSON", "write the JSON report to this path"),
    Option("seed", "CONFORMANCE_SEED", "seed for generated cases (printed on every run)"),
    Option("report-html", "CONFORMANCE_REPORT_HTML", "write a self-contained HTML report to this path"),
    Option("report-markdown", "CONFORMANCE_REPORT_MARKDOWN", "write a Markdown summary to this path"),
    Option("baseline", "CONFORMANCE_BASELINE", "expected failures (YAML or JSON): id, reason, expires"),
    Option("write-baseline", None, "write this run's failures as a starting baseline to this path"),
    Option("profile", "CONFORMANCE_PROFILE", "default or live (a budget, a rate limit and longer timeouts)"),
    Option("max-requests", "CONFORMANCE_MAX_REQUESTS", "request budget of the run (live profile: 60)"),
    Option("rate", "CONFORMANCE_RATE", "at most this many requests per second (live profile: 1)"),
    Option("max-throttle-wait", None, "total seconds to wait on 429/529 answers (default 60, live 120)"),
    Option(
        "examples",
        "CONFORMANCE_EXAMPLES",
        "generated model ids per property (default 100; with a budget, at most what it has left)",
    ),
    Option(
        "timeout",
        "CONFORMANCE_TIMEOUT",
        "seconds one request may take in all: connect, send, headers, body (default 10)",
    ),
    Option(
        "max-body",
        "CONFORMANCE_MAX_BODY",
        f"largest answer body read, decoded, e.g. 4MiB (default {show_size(Limits.max_body_bytes)})",
    ),
    Option(
        "max-header-bytes",
        None,
        f"largest status line and headers of an answer (default {show_size(Limits.max_header_bytes)})",
    ),
    Option("max-headers", None, f"most headers an answer may carry (default {Limits.max_headers})"),
    Option(
        "max-redirects", None, f"same-origin redirects followed per request (default {Limits.max_redirects})"
    ),
)


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "models-api-conformance (GET /v1/models/{model_id})")
    for option in OPTIONS:
        group.addoption(
            option.flag,
            action="append" if option.multiple else "store",
            dest=option.dest,
            default=None,
            help=option.help + (f" [env {option.env}]" if option.env else ""),
        )
        if not option.secret:
            if option.multiple:
                parser.addini(option.dest, option.help, type="linelist", default=None)
            else:
                parser.addini(option.dest, option.help, type="string", default=None)


@dataclass(frozen=True)
class Settings:
    base_url: str | None
    api_key: str | None
    contract: str
    models: tuple[str, ...]
    aliases: tuple[str, ...]
    report_json: str | None
    seed: int
    examples: int
    timeout: float  # seconds one request may take in all
    profile: str = "default"
    max_body: int = Limits.max_body_bytes
    max_header_bytes: int = Limits.max_header_bytes
    max_headers: int = Limits.max_headers
    max_redirects: int = Limits.max_redirects
    max_requests: int | None = None
    rate: float | None = None
    max_throttle_wait: float = 60.0
    baseline: str | None = None
    write_baseline: str | None = None
    report_html: str | None = None
    report_markdown: str | None = None
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def limits(self) -> Limits:
        """What one answer of the target may take."""
        return Limits(
            self.timeout, self.max_body, self.max_header_bytes, self.max_headers, self.max_redirects
        )

    @property
    def lean(self) -> bool:
        """Checks share answers and test a sample of the models (the live profile)."""
        return self.profile in LEAN_PROFILES


def _raw(config: pytest.Config, option: Option) -> tuple[Any, str]:
    # The order of precedence, in one place: command line, environment, ini file, default.
    value = config.getoption(option.dest)
    if value:
        return value, "command line"
    if option.env and os.environ.get(option.env):
        env_value = os.environ[option.env]
        return (
            [v.strip() for v in env_value.split(",") if v.strip()] if option.multiple else env_value
        ), option.env
    if not option.secret:
        ini_value = config.getini(option.dest)
        if ini_value:
            return ini_value, "ini"
    return None, "default"


def _number(option: Option, raw: Any, kind: type[int] | type[float], low: float, high: float) -> Any:
    try:
        value = kind(raw)
    except (TypeError, ValueError):
        raise SettingsError(
            f"{option.flag} must be a {kind.__name__} from {low} to {high}; got {raw!r}"
        ) from None
    if not low <= value <= high:
        raise SettingsError(f"{option.flag} must be from {low} to {high}; got {raw!r}")
    return value


def _size(option: Option, raw: Any, low: int, high: int) -> int:
    try:
        value = parse_size(str(raw))
    except ValueError as exc:
        raise SettingsError(f"{option.flag}: {exc}") from None
    if not low <= value <= high:
        raise SettingsError(f"{option.flag} must be from {show_size(low)} to {show_size(high)}; got {raw!r}")
    return value


def _limits(raw: dict[str, Any], by_name: dict[str, Option]) -> dict[str, int]:
    """The bounds on one answer that were given (the others keep :class:`Limits`' defaults)."""
    highs = {"max-body": GIB, "max-header-bytes": MAX_HEADER_BYTES_CEILING}
    counts = {"max-headers": (1, 10_000), "max-redirects": (0, 20)}
    given: dict[str, int] = {}
    for name, high in highs.items():
        if raw[name] is not None:
            given[name.replace("-", "_")] = _size(by_name[name], raw[name], KIB, high)
    for name, (low, top) in counts.items():
        if raw[name] is not None:
            given[name.replace("-", "_")] = int(_number(by_name[name], raw[name], int, low, top))
    return given


def resolve(config: pytest.Config) -> Settings:
    """The settings of this run; :class:`SettingsError` for a value that is not allowed."""
    raw: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for option in OPTIONS:
        raw[option.name], sources[option.name] = _raw(config, option)
    contract = raw["contract"] or DEFAULT_CONTRACT
    if contract not in CONTRACTS:
        raise SettingsError(f"--conformance-contract must be one of {', '.join(CONTRACTS)}; got {contract!r}")
    by_name = {option.name: option for option in OPTIONS}
    seed = raw["seed"]
    profile = raw["profile"] or "default"
    if profile not in PROFILES:
        raise SettingsError(f"--conformance-profile must be one of {', '.join(PROFILES)}; got {profile!r}")
    defaults = PROFILES[profile]

    def number(name: str, kind: type[int] | type[float], low: float, high: float) -> Any:
        value = raw[name] if raw[name] is not None else defaults.get(name)
        return None if value is None else _number(by_name[name], value, kind, low, high)

    return Settings(
        base_url=raw["base-url"],
        api_key=raw["api-key"],
        contract=contract,
        models=tuple(raw["model"] or ()),
        aliases=tuple(raw["alias"] or ()),
        report_json=raw["report-json"],
        seed=(_number(by_name["seed"], seed, int, 0, 2**63) if seed is not None else random.randrange(2**32)),
        examples=number("examples", int, 1, 100_000),
        timeout=number("timeout", float, 0.1, 600),
        profile=profile,
        **_limits(raw, by_name),
        max_requests=number("max-requests", int, 1, 10**9),
        rate=number("rate", float, 0.01, 100_000),
        max_throttle_wait=number("max-throttle-wait", float, 0, 86_400),
        baseline=raw["baseline"],
        write_baseline=raw["write-baseline"],
        report_html=raw["report-html"],
        report_markdown=raw["report-markdown"],
        sources=sources,
    )
