"""The drop-in claim: the official Python SDK's own Models tests pass against the reference server.

Opt-in (marker ``sdk``). It needs an extracted sdist of the SDK (its tests are not in the wheel) and a
Python that has that SDK version and its test dependencies:

    pip download --no-deps --no-binary :all: anthropic==2.14.0 -d /tmp/sdk
    tar xzf /tmp/sdk/anthropic-2.14.0.tar.gz -C /tmp/sdk
    python -m venv /tmp/sdk-venv && /tmp/sdk-venv/bin/pip install 'anthropic[aiohttp]==2.14.0' pytest \\
        pytest-asyncio pytest-xdist respx 'inline-snapshot>=0.28' 'http-snapshot[httpx]==0.1.9'
    CONFORMANCE_SDK_TESTS=/tmp/sdk/anthropic-2.14.0 CONFORMANCE_SDK_PYTHON=/tmp/sdk-venv/bin/python \\
        pytest -m sdk tests/test_sdk_against_mock.py

Unset, the tests skip. Set but unusable (no such folder, no SDK tests in it, a Python lacking the SDK or
its test dependencies, a version mismatch), they fail with what to fix: an opted-in run that skipped
would look green while proving nothing.

The SDK's tests retrieve the made-up id ``model_id`` and page with made-up cursors, as they would
against any mock, so the server runs in permissive mode.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from models_conformance.reference.server import ReferenceServer

pytestmark = pytest.mark.sdk

SDK_TEST_FILES = ("tests/api_resources/test_models.py", "tests/api_resources/beta/test_models.py")
# What the SDK's conftest.py, tests/utils.py and pytest configuration import or load.
TEST_MODULES = ("anthropic", "pytest", "pytest_asyncio", "xdist", "respx", "inline_snapshot", "http_snapshot")
INSTALL_HINT = (
    "pip install 'anthropic[aiohttp]==VERSION' pytest pytest-asyncio pytest-xdist respx "
    "'inline-snapshot>=0.28' 'http-snapshot[httpx]==0.1.9'"
)


@dataclass(frozen=True)
class Sdk:
    folder: Path
    python: str
    version: str


def usage_error(message: str) -> None:
    pytest.fail(f"CONFORMANCE_SDK_TESTS is set but unusable: {message}", pytrace=False)


@pytest.fixture(scope="module")
def sdk() -> Sdk:
    folder_setting = os.environ.get("CONFORMANCE_SDK_TESTS")
    if not folder_setting:
        pytest.skip("set CONFORMANCE_SDK_TESTS to an extracted anthropic sdist (and CONFORMANCE_SDK_PYTHON)")
    folder = Path(folder_setting)
    missing = [name for name in SDK_TEST_FILES if not (folder / name).is_file()]
    if missing:
        usage_error(f"{folder} lacks {', '.join(missing)}; point it at an extracted sdist (anthropic-X.Y.Z/)")
    version_line = re.search(r"(?m)^Version: (\S+)$", (folder / "PKG-INFO").read_text(encoding="utf-8"))
    sdist_version = version_line[1] if version_line else "?"
    python = os.environ.get("CONFORMANCE_SDK_PYTHON") or sys.executable
    probe = subprocess.run(
        [python, "-c", f"import {', '.join(TEST_MODULES)}; print(anthropic.__version__)"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if probe.returncode != 0:
        last_line = (probe.stderr.strip().splitlines() or ["(no output)"])[-1]
        usage_error(
            f"{python} cannot run the SDK's tests ({last_line}); set CONFORMANCE_SDK_PYTHON to a Python "
            f"with them: {INSTALL_HINT.replace('VERSION', sdist_version)}"
        )
    installed = probe.stdout.strip()
    if installed != sdist_version:
        usage_error(f"{python} has anthropic {installed} but the sdist in {folder} is {sdist_version}")
    return Sdk(folder, python, installed)


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with ReferenceServer(permissive=True) as server:
        yield server.url


@pytest.mark.parametrize("test_file", SDK_TEST_FILES)
def test_the_sdks_own_models_tests_pass_against_the_mock(sdk: Sdk, mock_url: str, test_file: str) -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("ANTHROPIC_")}
    env["TEST_API_BASE_URL"] = mock_url
    # The sdist's own pytest configuration applies (xdist, its plugins, warnings as errors).
    result = subprocess.run(
        [sdk.python, "-m", "pytest", test_file, "-q", "-p", "no:cacheprovider"],
        cwd=sdk.folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "(no output)"
    passed = re.search(r"(\d+) passed", summary)
    print(f"anthropic {sdk.version} {test_file}: {summary}")  # shown with -rP
    output = result.stdout[-6000:] + result.stderr[-2000:]
    assert result.returncode == 0 and passed and "failed" not in summary and "error" not in summary, (
        f"anthropic {sdk.version} {test_file} against {mock_url}: {summary}\n{output}"
    )
