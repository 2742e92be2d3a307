#!/usr/bin/env python3
"""The server suite against servers nobody here wrote (what `nox -s foreign` runs).

    python connectors/servers/driver.py [--target NAME]... [--cache DIR] [--reports DIR] [--doc FILE]

For each target: install it into the cache (once per pin set), start the reference server behind it
when it forwards to one, start it on a free 127.0.0.1 port, wait until it answers, run
`models-conformance server --seed FIXED`, and stop everything, also when a step fails. Each target
leaves REPORTS/NAME.json (the suite's JSON report) and REPORTS/NAME.run.json (versions, the commands,
exit status, wall time); the verdict document is then generated from them (verdicts.py).

Exit status: 0 every target was judged (its verdicts, MUST failures included, are in the document);
1 a target could not be installed, started or judged; 2 usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
import json
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import verdicts
from _install import InstallError, install, install_hint, versions
from _process import StartError, base_env, free_port, read_listening_url, running, tail, wait_until_answering
from _spec import DOC_UPSTREAM_KEY, DOC_UPSTREAM_PORT, Launch, TargetSpec, shell_word

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SEED = 20261202  # every target is judged with the same generated cases
SUITE_TIMEOUT = 900.0  # a default run sends about 185 requests; Prism answers ~1,850 a second
CONFORMANCE = (sys.executable, "-m", "models_conformance")


def load_targets(directory: Path) -> dict[str, TargetSpec]:
    """Every TargetSpec in DIRECTORY/*/launch.py, by name, in folder order."""
    targets: dict[str, TargetSpec] = {}
    for launch in sorted(directory.glob("*/launch.py")):
        loader = importlib.util.spec_from_file_location(f"foreign_target_{launch.parent.name}", launch)
        assert loader is not None and loader.loader is not None
        module = importlib.util.module_from_spec(loader)
        loader.loader.exec_module(module)
        for spec in module.TARGETS:
            targets[spec.name] = spec
    return targets


def upstream_command(conformance: tuple[str, ...], port: int, key: str) -> list[str]:
    return [*conformance, "mock", "--port", str(port), "--api-key", key]


def suite_command(
    conformance: tuple[str, ...], spec: TargetSpec, launch: Launch, seed: int, report: str
) -> list[str]:
    base = spec.base_url(launch)
    return [
        *conformance,
        "server",
        "--base-url",
        base,
        "--seed",
        str(seed),
        "--report-json",
        report,
        *spec.suite_args,
    ]


def shell(words: list[str], env: dict[str, str] | None = None) -> str:
    prefix = "".join(f"{name}={shell_word(value)} " for name, value in (env or {}).items())
    return prefix + " ".join(shell_word(word) for word in words)


def documented(spec: TargetSpec, seed: int) -> dict[str, Any]:
    """The commands as a reader runs them from the repository root: fixed ports, keys as $NAMES."""
    launch = Launch.for_docs(spec)
    return {
        "install": install_hint(spec, launch.home) if spec.install else None,
        "upstream": shell(upstream_command(("models-conformance",), DOC_UPSTREAM_PORT, DOC_UPSTREAM_KEY))
        if spec.upstream
        else None,
        "start": spec.shell(launch),
        "wait": f"until curl -so /dev/null http://127.0.0.1:{launch.port}{spec.ready_path}; do sleep 1; done",
        "key": launch.key,
        "suite": shell(suite_command(launch.conformance, spec, launch, seed, f"{spec.name}.json")),
        "base_url": spec.base_url(launch),
    }


def judge(spec: TargetSpec, cache: Path, reports: Path, seed: int) -> dict[str, Any]:
    """Install, start, judge and stop one target; the run record (also when a step failed)."""
    work = cache / "runs" / spec.name
    work.mkdir(parents=True, exist_ok=True)
    for old in work.glob("*.log"):
        old.unlink()
    report = reports / f"{spec.name}.json"
    report.unlink(missing_ok=True)
    record: dict[str, Any] = {
        "target": spec.name,
        "title": spec.title,
        "about": spec.about,
        "seed": seed,
        "started_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "documented": documented(spec, seed),
        "versions": {},
        "exit_status": None,
        "error": None,
    }
    # Made up for this run and never written anywhere: the document and the records say $NAMES.
    gateway_key = "sk-" + secrets.token_hex(16)
    upstream_key = "upstream-" + secrets.token_hex(12)
    key = upstream_key if spec.forwards_key else gateway_key
    start = time.monotonic()
    stage = "install"
    try:
        home = install(spec, cache, work / "install.log")
        record["versions"] = versions(spec, home)
        with contextlib.ExitStack() as stack:
            upstream = None
            if spec.upstream:
                stage = "start the reference server upstream"
                argv = upstream_command(CONFORMANCE, 0, upstream_key)
                process = stack.enter_context(running(argv, base_env(work), work / "upstream.log", ROOT))
                upstream = read_listening_url(process, work / "upstream.log")
            stage = "start the target"
            launch = Launch(
                free_port(), key, upstream, upstream_key, str(home), str(work), str(ROOT), CONFORMANCE
            )
            log = work / "target.log"
            env = {**base_env(work), **spec.env(launch)}
            process = stack.enter_context(running(spec.command(launch), env, log, work, spec.stop_timeout))
            ready = f"http://127.0.0.1:{launch.port}{spec.ready_path}"
            record["ready_after_s"] = round(wait_until_answering(ready, process, spec.ready_timeout, log), 1)
            record["base_url"] = spec.base_url(launch)
            stage = "judge the target"
            record["exit_status"] = _run_suite(spec, launch, seed, report, work, record)
    except (InstallError, StartError) as exc:
        record["error"] = f"could not {stage}: {exc}"
    record["wall_time_s"] = round(time.monotonic() - start, 1)
    (reports / f"{spec.name}.run.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    return record


def _run_suite(
    spec: TargetSpec, launch: Launch, seed: int, report: Path, work: Path, record: dict[str, Any]
) -> int:
    argv = suite_command(CONFORMANCE, spec, launch, seed, str(report))
    # The key goes through the environment, never the command line (it is in no record either).
    record["command"] = shell(argv, {"ANTHROPIC_API_KEY": record["documented"]["key"]})
    log = work / "suite.log"
    env = {**base_env(work), "ANTHROPIC_API_KEY": launch.key}
    began = time.monotonic()
    with log.open("wb") as out:
        try:
            done = subprocess.run(
                argv, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, timeout=SUITE_TIMEOUT
            )
        except subprocess.TimeoutExpired:
            record["error"] = f"the suite did not finish within {SUITE_TIMEOUT:.0f} s:\n{tail(log)}"
            return -1
    record["suite_time_s"] = round(time.monotonic() - began, 1)
    if done.returncode not in (0, 1) or not report.is_file():
        record["error"] = f"the suite exited {done.returncode} without verdicts:\n{tail(log)}"
    return done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="driver.py", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--target", action="append", default=[], metavar="NAME", help="judge only NAME (repeat)"
    )
    parser.add_argument(
        "--cache", type=Path, default=ROOT / ".nox" / "foreign-cache", help="installs and logs"
    )
    parser.add_argument(
        "--reports", type=Path, default=ROOT / ".nox" / "foreign-reports", help="report folder"
    )
    parser.add_argument(
        "--doc", type=Path, default=ROOT / "docs" / "foreign-verdicts.md", help="the document"
    )
    parser.add_argument("--judgments", type=Path, default=HERE / "judgments.yaml", help="judgments file")
    parser.add_argument("--targets-dir", type=Path, default=HERE, help="where the */launch.py files are")
    parser.add_argument("--seed", type=int, default=SEED, help=f"the suite's seed (default {SEED})")
    args = parser.parse_args(argv)
    targets = load_targets(args.targets_dir)
    unknown = [name for name in args.target if name not in targets]
    if unknown:
        parser.error(f"unknown target {', '.join(map(repr, unknown))}; choose from: {', '.join(targets)}")
    chosen = [targets[name] for name in (args.target or targets)]
    args.reports.mkdir(parents=True, exist_ok=True)
    session_start = time.monotonic()
    records = []
    for spec in chosen:
        print(f"foreign: {spec.name}: {spec.title}", flush=True)
        record = judge(spec, args.cache.resolve(), args.reports.resolve(), args.seed)
        records.append(record)
        print(f"foreign: {spec.name}: {_outcome_line(record, args.reports)}", flush=True)
    session = {
        "seed": args.seed,
        "targets": [spec.name for spec in chosen],
        "wall_time_s": round(time.monotonic() - session_start, 1),
        "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    (args.reports / "session.json").write_text(json.dumps(session, indent=2) + "\n")
    unjudged = verdicts.write(args.reports, args.judgments, args.doc)
    print(f"foreign: wrote {args.doc} ({session['wall_time_s']} s for {len(chosen)} target(s))")
    for target, requirement in unjudged:
        print(f"foreign: not yet judged: {target} {requirement} (add it to {args.judgments.name})")
    return 1 if any(record["error"] for record in records) else 0


def _outcome_line(record: dict[str, Any], reports: Path) -> str:
    if record["error"]:
        return "NOT JUDGED: " + str(record["error"]).splitlines()[0]
    summary = json.loads((reports / f"{record['target']}.json").read_text())["summary"]
    return (
        f"exit {record['exit_status']}: {summary['passed']} passed, {summary['failed']} failed, "
        f"{summary['skipped']} skipped, MUST failed {summary['must_failed']} ({record['wall_time_s']} s)"
    )


if __name__ == "__main__":
    sys.exit(main())
