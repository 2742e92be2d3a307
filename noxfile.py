"""nox is the single entry point: CI runs exactly these sessions.

nox -s conformance      # the main job: the server suite against the embedded reference server
nox -s tests            # the suite's own tests
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "typecheck", "tests", "conformance", "build"]
nox.options.error_on_missing_interpreters = False

ROOT = Path(__file__).parent


@nox.session
def tests(session: nox.Session) -> None:
    """Run the suite's own tests (no network, no key): every check is shown to pass and to fail."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def conformance(session: nox.Session) -> None:
    """The main job: the server suite against the embedded reference server, or `-- --base-url URL ...`."""
    session.install(".")
    report = os.environ.get("CONFORMANCE_REPORT_JSON", str(Path(session.create_tmp()) / "conformance.json"))
    session.run("models-conformance", "server", "--report-json", report, *session.posargs)
    session.log(f"JSON report: {report}")


@nox.session
def lint(session: nox.Session) -> None:
    """ruff over the package, the tests and this file."""
    session.install("ruff")
    session.run("ruff", "check", "conformance", "tests", "noxfile.py", "conftest.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package."""
    session.install("-e", ".", "mypy", "types-PyYAML", "types-jsonschema")
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
                "import conformance.schemas as s; d = s.schema_dir(); "
                "assert 'site-packages' in str(d), d; "
                "assert (d / 'openapi.yaml').is_file(); s.model_validator('2026-10-21'); "
                "print('schemas in wheel:', d)",
                external=True,
            )
