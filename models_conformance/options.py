"""The options of a run: each a command-line flag (``--base-url``), a pytest option
(``--conformance-base-url``), an environment variable and, where it makes sense, an ini key
(``conformance_base_url``); and the defaults of each profile.

A table apart from :mod:`.settings`, which resolves and checks the values: the pytest plugin, loaded
in every pytest run of an environment, needs only the table to declare its options.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .contract import CONTRACTS
from .limits import MAX_HEADER_BYTES_CEILING, Limits
from .sizes import GIB, KIB, show_size

__all__ = ["CLIENT_DEFAULTS", "OPTIONS", "PROFILES", "Option"]


@dataclass(frozen=True)
class Option:
    name: str  # the flag is --<name>, the pytest option --conformance-<name>, the ini key conformance_<name>
    help: str
    env: str | None = None
    # text, int, float, size (bytes: 4MiB), url, path (a file the run writes), multiple, secret, choice
    kind: str = "text"
    choices: tuple[str, ...] = ()
    metavar: str | None = None
    low: float = 0
    high: float = 0

    @property
    def flag(self) -> str:
        return f"--{self.name}"

    @property
    def pytest_flag(self) -> str:
        return f"--conformance-{self.name}"

    @property
    def dest(self) -> str:
        """The :class:`Settings` field: repeatable options hold several values (``--model`` -> models)."""
        name = self.name.replace("-", "_")
        return {"model": "models", "alias": "aliases"}.get(name, name)


OPTIONS: dict[str, Option] = {
    option.name: option
    for option in (
        Option(
            "base-url",
            "the server under test; none: the embedded reference server",
            "CONFORMANCE_BASE_URL",
            "url",
            metavar="URL",
        ),
        Option(
            "api-key",
            "the API key sent to the target (default: $ANTHROPIC_API_KEY)",
            "ANTHROPIC_API_KEY",
            "secret",
            metavar="KEY",
        ),
        Option("contract", "the API version the suite speaks", "CONFORMANCE_CONTRACT", "choice", CONTRACTS),
        Option(
            "model",
            "a model id to test (repeat; default: discovered with GET /v1/models)",
            "CONFORMANCE_MODELS",
            "multiple",
            metavar="ID",
        ),
        Option(
            "alias",
            "an alias the target must resolve (repeat)",
            "CONFORMANCE_ALIASES",
            "multiple",
            metavar="NAME",
        ),
        Option(
            "seed",
            "seed of the generated cases (every run prints its own)",
            "CONFORMANCE_SEED",
            "int",
            metavar="N",
            high=2**63,
        ),
        Option(
            "examples",
            "generated cases per property (server default 100, client 50)",
            "CONFORMANCE_EXAMPLES",
            "int",
            metavar="N",
            low=1,
            high=100_000,
        ),
        Option(
            "timeout",
            "seconds one request may take in all (server default 10, client 5)",
            "CONFORMANCE_TIMEOUT",
            "float",
            metavar="S",
            low=0.1,
            high=600,
        ),
        Option(
            "max-body",
            f"largest answer body read, decoded, e.g. 4MiB (default {show_size(Limits.max_body_bytes)})",
            "CONFORMANCE_MAX_BODY",
            "size",
            metavar="SIZE",
            low=KIB,
            high=GIB,
        ),
        Option(
            "max-header-bytes",
            f"largest status line and headers of an answer (default {show_size(Limits.max_header_bytes)})",
            None,
            "size",
            metavar="SIZE",
            low=KIB,
            high=MAX_HEADER_BYTES_CEILING,
        ),
        Option(
            "max-headers",
            f"most headers an answer may carry (default {Limits.max_headers})",
            None,
            "int",
            metavar="N",
            low=1,
            high=10_000,
        ),
        Option(
            "max-redirects",
            f"same-origin redirects followed per request (default {Limits.max_redirects})",
            None,
            "int",
            metavar="N",
            low=0,
            high=100,
        ),
        Option(
            "profile",
            "live: a request budget, a rate limit and longer timeouts",
            "CONFORMANCE_PROFILE",
            "choice",
            ("default", "live"),
        ),
        Option(
            "max-requests",
            "the request budget of the run (live: 60)",
            "CONFORMANCE_MAX_REQUESTS",
            "int",
            metavar="N",
            low=1,
            high=10**9,
        ),
        Option(
            "rate",
            "at most R requests per second (live: 1)",
            "CONFORMANCE_RATE",
            "float",
            metavar="R",
            low=0.01,
            high=100_000,
        ),
        Option(
            "max-throttle-wait",
            "total seconds to wait on 429/529 answers (default 60, live 120)",
            None,
            "float",
            metavar="S",
            low=0,
            high=86_400,
        ),
        Option(
            "report-json", "write the JSON report to PATH", "CONFORMANCE_REPORT_JSON", "path", metavar="PATH"
        ),
        Option(
            "report-html",
            "write a self-contained HTML report to PATH",
            "CONFORMANCE_REPORT_HTML",
            "path",
            metavar="PATH",
        ),
        Option(
            "report-markdown",
            "write a Markdown summary to PATH (CI job summaries)",
            "CONFORMANCE_REPORT_MARKDOWN",
            "path",
            metavar="PATH",
        ),
        Option(
            "report-junit",
            "write a JUnit XML report to PATH (one test case per requirement)",
            "CONFORMANCE_REPORT_JUNIT",
            "path",
            metavar="PATH",
        ),
        Option(
            "baseline",
            "expected failures (YAML or JSON): id, reason, expires",
            "CONFORMANCE_BASELINE",
            metavar="FILE",
        ),
        Option(
            "write-baseline", "write this run's failures as a baseline to FILE", None, "path", metavar="FILE"
        ),
        Option(
            "record",
            "write the run's exchanges as a cassette to FILE (replay: cassettes check FILE)",
            None,
            "path",
            metavar="FILE",
        ),
    )
}

# Defaults per profile. "live" is for real, rate-limited, paid endpoints: small enough for a free-tier
# key. It is lean: every MUST is judged within its budget, and the generated ids get what is left.
PROFILES: dict[str, dict[str, Any]] = {
    "default": {"examples": 100, "timeout": 10.0, "max-throttle-wait": 60.0},
    "live": {"examples": 100, "timeout": 30.0, "max-throttle-wait": 120.0, "max-requests": 60, "rate": 1.0},
}

# A client run's defaults, from the CLI or the pytest client suite: each generated case is a round trip
# through the client, and a well-behaved client answers a local server at once.
CLIENT_DEFAULTS: dict[str, Any] = {"examples": 50, "timeout": 5.0}
