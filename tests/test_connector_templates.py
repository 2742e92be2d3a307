"""The connector templates of examples/ are conformant clients, judged through the command line as a user
runs them: no MUST failed and no harness error."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from ._cli import run_command

TEMPLATES = {
    "python": (f"{sys.executable} examples/connector-python/connector.py", "connector template (httpx "),
    "node": ("node examples/connector-node/connector.mjs", "connector template (Node.js "),
}


@pytest.mark.parametrize("language", TEMPLATES)
def test_a_connector_template_fails_no_must_and_causes_no_harness_error(
    language: str, tmp_path: Path
) -> None:
    command, name = TEMPLATES[language]
    path = "/usr/bin:/bin"
    if language == "node":
        node = shutil.which("node")
        if node is None:
            pytest.skip("node is not installed: the Node.js template needs Node.js 18 or newer")
        path = f"{Path(node).parent}:{path}"
    code, report, output = run_command(
        "client", "--connector", command, "--seed", "1", tmp_path=tmp_path, env={"PATH": path}
    )
    assert code == 0, output
    assert "Traceback" not in output
    assert not report.get("harness_errors"), output
    assert report["target"]["name"].startswith(name)
