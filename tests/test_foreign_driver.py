"""The `nox -s foreign` driver and its verdict document, without Node or a gateway: the generator on
synthetic reports, the driver on the project's own replay target, and a target that never serves."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SERVERS = ROOT / "connectors" / "servers"


def run_script(script: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SERVERS / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"},
    )


def run_driver(tmp_path: Path, *selection: str) -> subprocess.CompletedProcess[str]:
    """The driver on ``selection`` (``--target NAME`` or ``--targets-dir DIR``), writing under tmp_path."""
    return run_script(
        "driver.py",
        *selection,
        "--cache",
        str(tmp_path / "cache"),
        "--reports",
        str(tmp_path / "reports"),
        "--doc",
        str(tmp_path / "verdicts.md"),
    )


def result(rid: str, outcome: str, level: str = "MUST", judged: int = 1, **extra: Any) -> dict[str, Any]:
    """One result of a server report: its verdict, how many exchanges it was judged on, its findings."""
    return {
        "id": rid,
        "level": level,
        "statement": f"the statement of {rid}",
        "outcome": outcome,
        "message": "",
        "reproduction": None,
        "judged": judged,
        "findings": [],
        **extra,
    }


def synthetic_reports(folder: Path) -> None:
    """Two targets: `gw` (judged, under a base path, with a requirement no registry has yet) and `down`."""
    folder.mkdir()
    run_url, doc_url = "http://127.0.0.1:39123/gw", "http://127.0.0.1:4000/gw"
    curl = f'curl -sS -i --path-as-is -X GET {run_url}/v1/models/x -H "x-api-key: $ANTHROPIC_API_KEY"'
    results = [
        result("SRV-200-TYPE", "passed", judged=41),
        result(
            "SRV-404",
            "failed",
            judged=106,
            message=f"expected HTTP 404 at {run_url}/v1/models/x",
            reproduction=curl,
            findings=[
                {
                    "path": "status",
                    "expected": 404,
                    "received": 200,
                    "status": 200,
                    "count": 3,
                    "shape": "GET of a model answered 200",
                    "seen_in": "made-up id (2), near miss: case changed (1)",
                },
                {
                    "path": "$.error.type",
                    "expected": "not_found_error",
                    "received": "invalid_request_error",
                    "status": 404,
                    "count": 1,
                },
            ],
        ),
        result("SRV-LONG-ID", "failed", message="a 10,000-character id got HTTP 502", reproduction=curl),
        result("SRV-METHOD", "failed", level="SHOULD", message="POST got 405 without the error envelope"),
    ]
    report = {
        "tool": {"name": "models-api-conformance", "version": "0.1.0"},
        "role": "server",
        "requests_sent": 12,
        "results": results,
        "notes": [
            {"kind": "intermediary", "message": "an intermediary answered GET with HTTP 414", "count": 2}
        ],
        "summary": {"passed": 1, "failed": 3, "skipped": 0, "must_failed": 2},
    }
    documented = {
        "install": "python3 -m venv foreign/gw",
        "upstream": "models-conformance mock --port 4020",
        "start": "gw --port 4000",
        "wait": "until curl -s http://127.0.0.1:4000; do sleep 1; done",
        "suite": "models-conformance server --base-url " + doc_url,
        "base_url": doc_url,
        "key": "$GATEWAY_KEY",
    }
    runs = {
        "gw": {
            "target": "gw",
            "title": "a gateway",
            "about": "A gateway in front of the reference server.",
            "documented": documented,
            "versions": {"gw": "1.2.3"},
            "exit_status": 1,
            "error": None,
            "base_url": run_url,
            "suite_time_s": 1.0,
            "ready_after_s": 0.5,
        },
        "down": {
            "target": "down",
            "title": "never serves",
            "about": "A target that did not start.",
            "documented": {**documented, "upstream": None},
            "versions": {},
            "exit_status": None,
            "error": "could not start the target: nothing answered within 2 s",
        },
    }
    for name, record in runs.items():
        (folder / f"{name}.run.json").write_text(json.dumps(record))
    (folder / "gw.json").write_text(json.dumps(report))
    session = {
        "seed": 7,
        "targets": ["gw", "down"],
        "wall_time_s": 3.5,
        "finished_at": "2026-12-02T10:00:00+00:00",
    }
    (folder / "session.json").write_text(json.dumps(session))


def test_the_document_merges_judgments_into_the_reports_verdicts(tmp_path: Path) -> None:
    synthetic_reports(tmp_path / "reports")
    judgments = {
        "gw": {
            "SRV-404": {"verdict": "target-bug", "reason": "It answers every id with a model."},
            "SRV-METHOD": {
                "verdict": "by-design",
                "reason": "Its errors are its own.",
                "when": "POST got 418",
            },
            "SRV-200-TYPE": {"verdict": "suite-false-alarm", "reason": "Fixed since."},
        }
    }
    (tmp_path / "judgments.yaml").write_text(yaml.safe_dump(judgments))
    doc = tmp_path / "verdicts.md"
    done = run_script(
        "verdicts.py",
        str(tmp_path / "reports"),
        "--judgments",
        str(tmp_path / "judgments.yaml"),
        "--doc",
        str(doc),
    )
    assert done.returncode == 0, done.stderr
    # A failure nobody judged (here under a requirement ID that only the report knows) is named...
    assert "not yet judged: gw SRV-LONG-ID" in done.stdout
    # ... and so is one whose judgment was written for another failure (`when` no longer matches).
    assert "not yet judged: gw SRV-METHOD" in done.stdout
    text = doc.read_text()
    assert text.startswith("# Verdicts on servers nobody here wrote")
    assert "Generated by `nox -s foreign`" in text
    assert "| SRV-LONG-ID | MUST | **failed** | 1 | not yet judged |" in text
    assert "| SRV-404 | MUST | **failed** | 106 | target bug |" in text
    assert "| SRV-200-TYPE | MUST | passed | 41 |  |" in text
    assert "**Judgment (target bug):** It answers every id with a model." in text
    # A finding stands for every exchange of its shape with the same problem: how many, and which probes.
    assert (
        "at `status`: expected `404`, received `200` (HTTP 200; seen 3 times "
        "(made-up id (2), near miss: case changed (1)))"
    ) in text
    second = "at `$.error.type`: expected `not_found_error`, received `invalid_request_error` (HTTP 404)\n"
    assert second in text
    # Reproductions use the document's port, under the base path.
    assert "curl -sS -i --path-as-is -X GET http://127.0.0.1:4000/gw/v1/models/x" in text
    assert "39123" not in text
    assert "Stale judgments" in text and "SRV-200-TYPE (the requirement passed)" in text
    assert "- note: intermediary: an intermediary answered GET with HTTP 414 (2 answers)" in text
    assert "could not start the target: nothing answered within 2 s" in text
    assert "| [gw](#gw) | gw 1.2.3 | 2 | 3 | 1 | 0 | 0 | 2 |" in text
    assert "| [down](#down) | this project | not judged |" in text


def test_a_judgment_without_a_known_verdict_is_a_usage_error(tmp_path: Path) -> None:
    synthetic_reports(tmp_path / "reports")
    (tmp_path / "judgments.yaml").write_text("gw:\n  SRV-404:\n    verdict: maybe\n    reason: unsure\n")
    done = run_script(
        "verdicts.py",
        str(tmp_path / "reports"),
        "--judgments",
        str(tmp_path / "judgments.yaml"),
        "--doc",
        str(tmp_path / "verdicts.md"),
    )
    assert done.returncode == 2
    assert "gw SRV-404: needs `verdict` (target-bug | by-design | suite-false-alarm)" in done.stderr


def test_the_committed_judgments_name_known_targets_and_verdicts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(SERVERS))
    import driver
    import verdicts

    judgments = verdicts.load_judgments(SERVERS / "judgments.yaml")
    assert set(judgments) <= set(driver.load_targets(SERVERS))


def test_an_unknown_target_is_a_usage_error_that_lists_the_targets(tmp_path: Path) -> None:
    done = run_script("driver.py", "--target", "no-such-server", "--reports", str(tmp_path))
    assert done.returncode == 2
    assert "unknown target 'no-such-server'; choose from:" in done.stderr
    assert "prism-static" in done.stderr and "replay" in done.stderr


def accepts_connections(url: str) -> bool:
    host, port = url.removeprefix("http://").split("/")[0].split(":")
    with socket.socket() as sock:
        sock.settimeout(1.0)
        return sock.connect_ex((host, int(port))) == 0


def test_the_driver_judges_the_replay_target_and_stops_it(tmp_path: Path) -> None:
    reports, doc = tmp_path / "reports", tmp_path / "verdicts.md"
    done = run_driver(tmp_path, "--target", "replay")
    assert done.returncode == 0, done.stdout + done.stderr
    record = json.loads((reports / "replay.run.json").read_text())
    report = json.loads((reports / "replay.json").read_text())
    assert record["error"] is None and record["exit_status"] in (0, 1)
    assert report["seed"] == record["seed"] == 20261202
    assert report["target"]["base_url"] == record["base_url"]
    assert not accepts_connections(record["base_url"])  # stopped once judged
    assert record["documented"]["start"] == "models-conformance mock --port 4011 --replay cassettes/reference"
    text = doc.read_text()
    assert '<a id="replay"></a>' in text and "| SRV-404 | MUST | passed |" in text
    # Every failure of the replay has its judgment, and no judgment outlived its failure.
    assert "not yet judged" not in done.stdout and "Stale judgments" not in text


def test_a_target_that_never_serves_is_stopped_and_reported(tmp_path: Path) -> None:
    targets = tmp_path / "targets"
    (targets / "sleeper").mkdir(parents=True)
    pid_file = tmp_path / "sleeper.pid"
    (targets / "sleeper" / "launch.py").write_text(
        textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from _spec import TargetSpec

        SCRIPT = "import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(600)"
        TARGETS = [TargetSpec(name="sleeper", title="listens nowhere", about="Sleeps.",
                              folder=Path(__file__).parent,
                              command=lambda launch: [sys.executable, "-c", SCRIPT],
                              ready_timeout=2.0)]
    """)
    )
    done = run_driver(tmp_path, "--targets-dir", str(targets))
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        "sleeper: NOT JUDGED: could not start the target: nothing answered at http://127.0.0.1:"
        in done.stdout
    )
    pid = int(pid_file.read_text())
    assert not Path(f"/proc/{pid}").exists()  # stopped, and reaped
    assert "could not start the target" in (tmp_path / "verdicts.md").read_text()


def test_a_target_that_dies_during_its_run_is_reported_as_not_judged(tmp_path: Path) -> None:
    targets = tmp_path / "targets"
    (targets / "oneshot").mkdir(parents=True)
    # Answers the driver's readiness probe (501: no GET handler), then exits: the suite finds nobody.
    (targets / "oneshot" / "launch.py").write_text(
        textwrap.dedent("""
        import sys
        from pathlib import Path
        from _spec import TargetSpec

        SCRIPT = ("import http.server, sys; http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), "
                  "http.server.BaseHTTPRequestHandler).handle_request()")
        TARGETS = [TargetSpec(name="oneshot", title="answers once", about="Answers one request.",
                              folder=Path(__file__).parent,
                              command=lambda launch: [sys.executable, "-c", SCRIPT, str(launch.port)],
                              ready_timeout=10.0)]
    """)
    )
    reports = tmp_path / "reports"
    done = run_driver(tmp_path, "--targets-dir", str(targets))
    assert done.returncode == 1, done.stdout + done.stderr
    record = json.loads((reports / "oneshot.run.json").read_text())
    assert record["exit_status"] == 3  # the suite's "target unreachable"
    assert record["error"].startswith("the suite exited 3 without verdicts:")
    assert "cannot reach the target: GET http://127.0.0.1:" in record["error"]
    assert "**Not judged:**" in (tmp_path / "verdicts.md").read_text()
