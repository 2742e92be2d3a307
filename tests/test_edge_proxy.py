"""Behind an edge proxy: no false alarm for the edge's own pages, and every real violation still caught.

The double fronts the reference server like the live API's edge does: an HTML 414 for request targets
over 4 KB, an HTML 502 on every 25th request (retried, then answered by the server).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from models_conformance import registry
from models_conformance.reference.app import MOCK_KEY as REFERENCE_KEY
from models_conformance.reference.app import create_app
from models_conformance.reference.server import ReferenceServer

from .broken_servers import FAULTS, MISSED_BEFORE, Fault, segment
from .edge_proxy import EdgeProxy
from .test_broken_servers import PROFILE_ARGS, SUITE_ARGS, failed_ids, run_cli


def edge_in_front(app: Any, edge: EdgeProxy) -> ReferenceServer:
    return ReferenceServer(app=edge.wrap(app))


@pytest.fixture
def edge() -> EdgeProxy:
    return EdgeProxy()


@pytest.fixture
def behind_edge(edge: EdgeProxy) -> Iterator[str]:
    with edge_in_front(create_app(api_keys=[REFERENCE_KEY]), edge) as server:
        yield server.url


@pytest.mark.parametrize("profile", list(PROFILE_ARGS))
def test_a_conformant_server_behind_an_edge_passes_with_the_edge_s_answers_noted(
    behind_edge: str, edge: EdgeProxy, profile: str, tmp_path: Path
) -> None:
    html, markdown = tmp_path / "report.html", tmp_path / "report.md"
    args = ["--base-url", behind_edge, *SUITE_ARGS, *PROFILE_ARGS[profile]]
    args += ["--report-html", str(html), "--report-markdown", str(markdown)]
    code, report, output = run_cli(*args, tmp_path=tmp_path)
    assert code == 0, output
    assert failed_ids(report) == set(), output
    assert {414, 502} <= set(edge.answered), "the double must really answer for itself"
    notes = report["notes"]
    assert {(n["status"], n["superseded"]) for n in notes} == {(414, False), (502, True)}, notes
    assert sum(n["count"] for n in notes) == len(edge.answered)
    assert all("server: cloudflare" in n["marks"] and n["reproduction"].startswith("curl ") for n in notes)
    outcomes = {r["id"]: r["outcome"] for r in report["results"]}
    assert outcomes["SRV-LONG-ID"] == outcomes["SRV-ERROR-ENVELOPE"] == "passed"
    # Every report format lists the notes.
    assert "notes (answers not judged" in output and "an intermediary answered GET with HTTP 414" in output
    assert "an intermediary answered GET with HTTP 414" in markdown.read_text()
    assert "an intermediary answered GET with HTTP 414" in html.read_text()


def test_an_origin_that_fails_behind_the_edge_fails_srv_no_5xx(tmp_path: Path) -> None:
    # The origin "crashes" on non-ASCII ids; the edge shows its own 502 page, every time.
    edge = EdgeProxy(bad_gateway_every=None, origin_fails=lambda scope: not (segment(scope) or "").isascii())
    with edge_in_front(create_app(api_keys=[REFERENCE_KEY]), edge) as server:
        code, report, output = run_cli("--base-url", server.url, *SUITE_ARGS, tmp_path=tmp_path)
    assert code == 1, output
    assert failed_ids(report) == {"SRV-NO-5XX"}, output
    assert any(n["status"] == 502 and n["superseded"] for n in report["notes"])


# A fault that shows only where many samples reach the origin (lean=False) is proven without an edge: an
# edge that refuses long request targets leaves too few of them.
BEHIND_EDGE = [fault for fault in (*FAULTS, *MISSED_BEFORE) if fault.lean]


@pytest.mark.parametrize("fault", BEHIND_EDGE, ids=[f.id for f in BEHIND_EDGE])
def test_a_broken_server_behind_an_edge_is_still_caught(fault: Fault, tmp_path: Path) -> None:
    options: dict[str, Any] = {"api_keys": [REFERENCE_KEY], **fault.app_options}
    edge = EdgeProxy()
    with edge_in_front(fault.wrap(create_app(**options)), edge) as server:
        args = ["--base-url", server.url, "--contract", fault.contract, *SUITE_ARGS]
        if fault.with_aliases:
            args += ["--alias", "claude-opus-4-5"]
        code, report, output = run_cli(*args, tmp_path=tmp_path)
    assert failed_ids(report) == {fault.breaks, *fault.also}, output
    assert code == (1 if any(registry.get(i).fails_run for i in failed_ids(report)) else 0), output
    assert 414 in edge.answered
    assert "Traceback" not in output
