"""nox is the single entry point: CI runs exactly these sessions.

nox -s conformance      # the main job: the server suite against the embedded reference server
nox -s tests            # the suite's own tests
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "typecheck", "docs", "tests", "conformance", "replay", "client", "build"]
nox.options.error_on_missing_interpreters = False
# Install as pip does, with the bytecode compiled: uv leaves it out, and where PYTHONDONTWRITEBYTECODE is
# set (this machine, CI) every command would then compile its imports from source (+2.3 s a client run).
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")

ROOT = Path(__file__).parent


def suite_args(posargs: list[str]) -> tuple[list[str], dict[str, str]]:
    """The arguments for `models-conformance`, with a key given as `--api-key KEY` moved into the
    environment: nox prints every command it runs, and a key must not land in a CI log."""
    args, env = [], {}
    rest = iter(posargs)
    for arg in rest:
        if arg == "--api-key":
            env["ANTHROPIC_API_KEY"] = next(rest, "")
        elif arg.startswith("--api-key="):
            env["ANTHROPIC_API_KEY"] = arg.partition("=")[2]
        else:
            args.append(arg)
    return args, env


@nox.session
def tests(session: nox.Session) -> None:
    """Run the suite's own tests (no network, no key): every check is shown to pass and to fail."""
    session.install("-e", ".[test]")
    # The broken-server and broken-client proofs are subprocesses that mostly wait (retry-after,
    # timeouts, loopback round trips): two workers per core keep the cores busy.
    workers = str(2 * (os.cpu_count() or 1))
    # The tests start the command line some hundred times from this checkout: compiled once here, its
    # modules are not compiled again by each process when PYTHONDONTWRITEBYTECODE forbids caching them.
    session.run("python", "-m", "compileall", "-q", "models_conformance", "tests", silent=True)
    session.run("pytest", *(session.posargs or ["-n", workers]))


@nox.session
def conformance(session: nox.Session) -> None:
    """The main job: the server suite against the embedded reference server, or `-- --base-url URL ...`."""
    session.install(".")
    report = os.environ.get("CONFORMANCE_REPORT_JSON", str(Path(session.create_tmp()) / "conformance.json"))
    args, env = suite_args(session.posargs)
    session.run("models-conformance", "server", "--report-json", report, *args, env=env)
    session.log(f"JSON report: {report}")


@nox.session
def replay(session: nox.Session) -> None:
    """Judge recordings offline: `models-conformance cassettes check` on cassettes/reference, no server.

    The project's own recording of a run against the reference server gives that run's verdicts with
    nothing listening; `nox -s replay -- DIR` judges DIR instead (e.g. cassettes/live from
    `nox -s record`).
    """
    session.install(".")
    paths = session.posargs or ["cassettes/reference"]
    report = Path(session.create_tmp()) / "replay.json"
    session.run("models-conformance", "cassettes", "check", *paths, "--report-json", str(report))
    session.log(f"JSON report: {report}")


@nox.session(default=False)
def record(session: nox.Session) -> None:
    """Opt-in, needs ANTHROPIC_API_KEY: record the server suite against `-- --base-url URL` once.

    The run's every exchange goes to one cassette, cassettes/live/run-<UTC time>.yaml (or under
    $CONFORMANCE_CASSETTES), scrubbed of credentials, cookies and account ids, then scanned: a file
    still holding a secret is deleted and the session fails. Other arguments go to `models-conformance
    server`. Then `nox -s replay -- cassettes/live` gives the run's verdicts again, offline.
    """
    args, env = suite_args(session.posargs)
    if not (os.environ.get("ANTHROPIC_API_KEY") or env):
        session.error("record needs a key: export ANTHROPIC_API_KEY=... (it is never written to a cassette)")
    if not any(arg.startswith("--base-url") for arg in args):
        session.error("record needs the target: nox -s record -- --base-url https://api.anthropic.com")
    session.install(".")
    directory = Path(os.environ.get("CONFORMANCE_CASSETTES", "cassettes/live"))
    directory.mkdir(parents=True, exist_ok=True)
    recording = directory / f"run-{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%SZ}.yaml"
    # 1 is a MUST failure of the target (its traffic is recorded all the same), or a deleted recording.
    server = ["models-conformance", "server", *args, "--record", str(recording)]
    session.run(*server, success_codes=[0, 1], env=env)
    if not recording.is_file():
        session.error(f"{recording} was deleted: it held a secret (the reason is above)")
    session.log(f"recorded {recording}; judge it again with: nox -s replay -- {directory}")


@nox.session
def lint(session: nox.Session) -> None:
    """ruff over the package, the tests, the examples, the connectors, the benchmarks and this file."""
    session.install("ruff")
    paths = [
        "models_conformance",
        "tests",
        "connectors",
        "examples",
        "benchmarks",
        "noxfile.py",
        "conftest.py",
    ]
    session.run("ruff", "check", *paths)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site with mkdocs in strict mode (a broken link or a missing page fails)."""
    session.install("mkdocs>=1.6,<2")
    site = Path(session.create_tmp()) / "site"
    session.run("mkdocs", "build", "--strict", "--site-dir", str(site))
    session.log(f"site: {site}")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package."""
    session.install("-e", ".", "mypy", "types-PyYAML", "types-jsonschema", "anthropic")
    session.run("mypy")


@nox.session
def build(session: nox.Session) -> None:
    """Build the wheel, install it in a clean venv and prove the schemas and registry are inside."""
    session.install("build")
    dist = Path(session.create_tmp()) / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    session.run("python", "-m", "build", "--wheel", "--outdir", str(dist))
    wheel = next(dist.glob("*.whl"))
    with tempfile.TemporaryDirectory() as clean:
        python = Path(clean) / "bin" / "python"
        session.run("python", "-m", "venv", clean)
        session.run(str(python), "-m", "pip", "install", "-q", str(wheel), external=True)
        # Run from the temporary folder so that the source tree cannot stand in for the wheel.
        with session.chdir(clean):
            session.run(
                str(Path(clean) / "bin" / "models-conformance"), "requirements", external=True, silent=True
            )
            session.run(
                str(python),
                "-c",
                "import models_conformance.schemas as s; d = s.schema_dir(); "
                "assert 'site-packages' in str(d), d; "
                "assert (d / 'openapi.yaml').is_file(); s.model_validator('2026-10-21'); "
                "from models_conformance.client.messages import message_schema as m; m('retrieve-answer'); "
                "print('schemas in wheel:', d)",
                external=True,
            )


@nox.session(default=False)
def live(session: nox.Session) -> None:
    """Opt-in, needs ANTHROPIC_API_KEY: the server suite against the live API, with the live profile.

    A request budget, a client-side rate limit and bounded waits on 429/529 keep it safe for a
    free-tier key. `nox -s live -- --base-url URL` tests another endpoint the same way.
    """
    args, env = suite_args(session.posargs)
    if not (os.environ.get("ANTHROPIC_API_KEY") or env):
        session.error("live needs a key: export ANTHROPIC_API_KEY=... (it never appears in any output)")
    session.install(".")
    target = (
        [] if any(a.startswith("--base-url") for a in args) else ["--base-url", "https://api.anthropic.com"]
    )
    report = Path(session.create_tmp()) / "live.json"
    session.run(
        "models-conformance",
        "server",
        "--profile",
        "live",
        "--report-json",
        str(report),
        *target,
        *args,
        env=env,
    )
    session.log(f"JSON report: {report}")


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Opt-in: the suite and the reference server against their peers; writes benchmarks/RESULTS.md.

    The generated-id phase of a server run against Schemathesis (positive mode) and a raw httpx loop;
    requests and MUST coverage per profile; the pytest plugin's cost in an unrelated pytest run; the
    reference server against Prism (when Node is on PATH) under wrk (when on PATH, else an asyncio
    socket load); judging one answer; the default server and client runs. Loopback only; about five
    minutes on 2 cores; options: `nox -s bench -- --help`.
    """
    session.install(".", "schemathesis>=4,<5", "anthropic")
    cache = Path(session.cache_dir) / "bench"  # keeps the Prism install between runs
    session.run("python", "benchmarks/bench.py", "--cache", str(cache), *session.posargs)


@nox.session(default=False)
def foreign(session: nox.Session) -> None:
    """Opt-in, needs Node.js 18+, npm and the npm and PyPI registries: judge servers nobody here wrote.

    Prism (npm) mocking schemas/openapi.yaml, static and dynamic; LiteLLM's proxy and mitmproxy (PyPI,
    each in a virtualenv of its own) in front of the reference server; `mock --replay
    cassettes/reference`. Pins and launch code are in connectors/servers/; installs go to nox's cache
    folder, reports to the session's tmp folder; docs/foreign-verdicts.md is regenerated.
    `nox -s foreign -- --target prism-static` judges one target (`-- --help` lists the options).
    """
    session.install(".")
    cache = Path(session.cache_dir) / "foreign"
    reports = Path(session.create_tmp()) / "foreign-reports"
    session.run(
        "python",
        "connectors/servers/driver.py",
        "--cache",
        str(cache),
        "--reports",
        str(reports),
        *session.posargs,
    )
    session.log(f"JSON reports: {reports}")


@nox.session
def client(session: nox.Session) -> None:
    """The client suite on the official Python SDK, in-process (`models-conformance client --python X`).

    `nox -s client -- --connector CMD` judges another client instead (any language, through a connector).
    """
    session.install(".", "anthropic")
    report = os.environ.get("CONFORMANCE_CLIENT_REPORT_JSON", str(Path(session.create_tmp()) / "client.json"))
    target = session.posargs or ["--python", "anthropic"]
    session.run("models-conformance", "client", "--report-json", report, *target)
    session.log(f"JSON report: {report}")


@nox.session(default=False)
def client_ts(session: nox.Session) -> None:
    """Opt-in, needs Node.js 18+ and npm: the client suite on the official TypeScript SDK via its connector.

    npm installs @anthropic-ai/sdk (the range in connectors/typescript-anthropic/package.json) beside the
    connector; nothing of it is committed.
    """
    if shutil.which("npm") is None or shutil.which("node") is None:
        session.error("client_ts needs node and npm on PATH (Node.js 18 or newer)")
    session.install(".")
    connector = ROOT / "connectors" / "typescript-anthropic"
    with session.chdir(connector):
        session.run("npm", "install", "--no-audit", "--no-fund", "--no-package-lock", external=True)
    report = Path(session.create_tmp()) / "client-ts.json"
    command = f"node {connector / 'connector.mjs'}"
    session.run(
        "models-conformance", "client", "--connector", command, "--report-json", str(report), *session.posargs
    )
    session.log(f"JSON report: {report}")


# Clients other than the official SDKs' beta retrieve; versions are exact, so that a verdict names
# what it judged (the TypeScript ones are pinned in connectors/typescript-foreign/package.json).
FOREIGN_PYTHON = "anthropic[aiohttp]==2.16.0"
FOREIGN_CLIENTS = {
    "anthropic-models-retrieve": ["--python", "anthropic_variants:models_retrieve"],
    "anthropic-async-beta-retrieve": ["--python", "anthropic_variants:async_beta_retrieve"],
    "anthropic-aiohttp-beta-retrieve": ["--python", "anthropic_variants:aiohttp_beta_retrieve"],
    "anthropic-ts-models-retrieve": ["--connector", "node {ts}/anthropic-models.mjs"],
    "effect-ai-anthropic": ["--connector", "node {ts}/effect-anthropic.mjs"],
}


@nox.session(default=False)
def client_foreign(session: nox.Session) -> None:
    """Opt-in, needs Node.js 18+ and npm: the client suite on clients nobody here wrote.

    In-process (connectors/python-foreign, anthropic[aiohttp] 2.16.0): Anthropic().models.retrieve,
    AsyncAnthropic().beta.models.retrieve over httpx and over aiohttp. Connectors
    (connectors/typescript-foreign, npm installs the exact versions beside them): @anthropic-ai/sdk's
    client.models.retrieve and @effect/ai-anthropic's betaModelsGet. One JSON report per client and a
    verdict table (verdicts.md) go to $CONFORMANCE_FOREIGN_REPORTS (default: the session's tmp dir).
    Seed 1 unless `-- --seed N`; other arguments go to every run too (e.g. `-- --contract 2026-10-21`).
    A MUST failure of a client does not fail the session: judging it is the job.
    """
    if shutil.which("npm") is None or shutil.which("node") is None:
        session.error("client_foreign needs node and npm on PATH (Node.js 18 or newer)")
    session.install(".", FOREIGN_PYTHON)
    ts = ROOT / "connectors" / "typescript-foreign"
    with session.chdir(ts):
        session.run("npm", "install", "--no-audit", "--no-fund", "--no-package-lock", external=True)
    reports = Path(os.environ.get("CONFORMANCE_FOREIGN_REPORTS", Path(session.create_tmp()) / "foreign"))
    reports.mkdir(parents=True, exist_ok=True)
    env = {"PYTHONPATH": str(ROOT / "connectors" / "python-foreign")}
    written = []
    for name, target in FOREIGN_CLIENTS.items():
        report = reports / f"{name}.json"
        args = [arg.format(ts=ts) for arg in target]
        options = ["--seed", "1", "--report-json", str(report), *session.posargs]
        session.run("models-conformance", "client", *args, *options, env=env, success_codes=[0, 1])
        written.append(str(report))
    table = session.run("python", str(ROOT / "connectors" / "verdict_table.py"), *written, silent=True)
    (reports / "verdicts.md").write_text(str(table))
    session.log(f"JSON reports and verdicts.md: {reports}")
