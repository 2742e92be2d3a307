"""What the pytest plugin's fixtures and the shipped suites do when they are used: resolve the
settings from pytest's configuration, run and judge, and turn one requirement's verdict into a pytest
outcome. Apart from :mod:`models_conformance.plugin`, which pytest loads in every run of an environment
where the package is installed, so that a run that uses none of it does not import it."""

from __future__ import annotations

from typing import Any

import pytest

from ..exits import EXIT_UNREACHABLE, EXIT_USAGE
from ..findings import ConformanceFailure
from ..options import CLIENT_DEFAULTS, OPTIONS
from ..settings import Settings, SettingsError, resolve
from ..verdicts import Verdicts

__all__ = ["check_requirement", "client_verdicts", "server_verdicts", "settings_of"]


def settings_of(config: pytest.Config, **defaults: Any) -> Settings:
    """The settings of this pytest session (command line → environment → ini → ``defaults``)."""
    given = {name: config.getoption(f"conformance_{option.dest}") for name, option in OPTIONS.items()}
    try:
        return resolve(
            given,
            flag=lambda option: option.pytest_flag,
            ini=lambda option: config.getini(f"conformance_{option.name.replace('-', '_')}"),
            defaults=defaults,
        )
    except SettingsError as exc:
        pytest.exit(f"models-conformance: usage error: {exc}", returncode=EXIT_USAGE)


def server_verdicts(config: pytest.Config) -> tuple[Verdicts, dict[str, Any]]:
    """The server suite's run against the target, judged, and the context its reports print."""
    from ..judge import judge
    from ..server.run import KeyRejected, run_server
    from ..server.target import TargetUnreachable

    settings = settings_of(config)
    try:
        run = run_server(settings)
    except TargetUnreachable as exc:
        pytest.exit(f"models-conformance: cannot reach the target: {exc}", returncode=EXIT_UNREACHABLE)
    except KeyRejected as exc:
        pytest.exit(f"models-conformance: usage error: {exc}", returncode=EXIT_USAGE)
    verdicts = Verdicts(judge(run.transcript), role="server", contract=settings.contract, hints=run.hints)
    return verdicts, {"contract": settings.contract, **run.transcript.context, "seed": settings.seed}


def client_verdicts(request: pytest.FixtureRequest) -> tuple[Verdicts, dict[str, Any]]:
    """The client suite's scenario played with the ``conformance_client`` fixture, judged."""
    from ..client.inprocess import InProcess
    from ..client.run import run_client
    from ..judge import judge

    settings = settings_of(request.config, **CLIENT_DEFAULTS)
    client = request.getfixturevalue("conformance_client")
    driver = client if callable(getattr(client, "answer", None)) else InProcess(client)
    transcript = run_client(
        driver,
        contract=settings.contract,
        seed=settings.seed,
        examples=settings.examples,
        timeout_s=settings.timeout,
    )
    verdicts = Verdicts(judge(transcript), role="client", contract=settings.contract)
    return verdicts, {"contract": settings.contract, **transcript.context, "seed": settings.seed}


def check_requirement(verdicts: Verdicts, requirement_id: str) -> None:
    """A suite item: the verdict of one requirement as a pytest outcome."""
    __tracebackhide__ = True
    verdict = next(v for v in verdicts.verdicts if v.requirement.id == requirement_id)
    if verdict.outcome == "skipped":
        pytest.skip(verdict.reason)
    if verdict.outcome == "expected-failure":
        pytest.xfail(verdict.message)
    if verdict.outcome == "failed":
        if not verdict.groups:
            raise AssertionError(verdict.message)  # a stale baseline entry
        raise ConformanceFailure([group.first for group in verdict.groups[:3]], more=len(verdict.groups) - 3)
