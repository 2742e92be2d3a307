"""What the drift observer costs per exchange, in instructions (valgrind callgrind), beside the suite's judge.

    python benchmarks/drift_observer.py            # needs valgrind on PATH; about 2 minutes
    python benchmarks/drift_observer.py --repeat 400

Each case builds a new exchange per repetition, as on the wire (a 404 for a 1,000-character id, a
BetaModelInfo with the reference catalog's capabilities, a list page of nine such models), parses its
body once (the suite's judge does that before any observer runs), and hands it to nothing, to the drift
observer, or to the suite's every-response judge (:class:`models_conformance.observations.Observations`). The
difference in instructions from the "nothing" run, divided by the repetitions, is the cost of one
exchange. Instruction counts do not depend on what else the machine runs; timings would.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CASES = ("404", "model", "list")
OBSERVERS = ("none", "drift", "judge")


@functools.cache
def _models() -> list[dict[str, Any]]:
    models: list[dict[str, Any]] = json.loads(
        (ROOT / "models_conformance/reference/default_catalog.json").read_text()
    )["models"]
    return models


def _exchange(case: str) -> tuple[Any, bool]:
    from models_conformance.exchange import Exchange, Request, Response

    models = _models()
    error = {"type": "error", "error": {"type": "not_found_error", "message": "m"}, "request_id": "req_x"}
    target, status, body, model_body = {
        "404": ("/v1/models/" + "%C3%BC" * 333, 404, error, True),
        "model": ("/v1/models/claude-fable-5", 200, models[0], True),
        "list": ("/v1/models?limit=1000", 200, {"data": models[:9], "has_more": False}, False),
    }[case]
    raw = json.dumps(body).encode()
    headers = [
        ("content-type", "application/json"),
        ("request-id", "req_x"),
        ("content-length", str(len(raw))),
        ("date", "Wed, 02 Dec 2026 13:00:00 GMT"),
    ]
    request = Request.make(
        "GET", "http://127.0.0.1:1", target, {"x-api-key": "k", "anthropic-version": "2023-06-01"}
    )
    return Exchange(request, Response.make(status, headers, raw)), model_body


def _run(observer_name: str, case: str, repeat: int) -> None:
    from models_conformance.drift.collect import DriftObserver
    from models_conformance.observations import Observations

    observer = DriftObserver() if observer_name == "drift" else Observations()
    for _ in range(repeat):
        exchange, model_body = _exchange(case)
        exchange.response.json  # noqa: B018 - parsed once, as the suite's judge has done
        if observer_name != "none":
            observer(exchange, model_body)


def _instructions(observer_name: str, case: str, repeat: int, out: Path) -> int:
    command = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out}",
        sys.executable,
        __file__,
        "--inner",
        observer_name,
        case,
        "--repeat",
        str(repeat),
    ]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
    return int(re.search(r"Collected : (\d+)", result.stderr).group(1))  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--inner", nargs=2, metavar=("OBSERVER", "CASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        _run(args.inner[0], args.inner[1], args.repeat)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not on PATH (apt-get install valgrind)")
    out = Path("/tmp") / "drift-observer.callgrind"
    print(f"instructions per exchange ({args.repeat} repetitions each)")
    print(f"{'case':<8}{'drift observer':>16}{'suite judge':>14}")
    for case in CASES:
        counts = {name: _instructions(name, case, args.repeat, out) for name in OBSERVERS}
        drift, judge = ((counts[name] - counts["none"]) // args.repeat for name in ("drift", "judge"))
        print(f"{case:<8}{drift:>16,}{judge:>14,}")
    out.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
