"""The generated-id phase of a real server run, timed in a process of its own (``_property.py`` runs it).

    python benchmarks/_phase.py BASE_URL KEY EXAMPLES SEED OUT.json

It runs ``models-conformance server --base-url BASE_URL --api-key KEY --examples N --seed S`` in this
process (``cli.main``: discovery, the plan, the generated ids, the judge, the summary), with a clock
around ``send_generated``: the phase as the run pays for it, hypothesis's set-up in a fresh process
included. Then, the run over, it times ``judge`` on the phase's exchanges alone: what their verdicts
add. OUT.json gets the times and the phase's requests (method, target, headers) for the raw loop.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time
from typing import Any


def main(base_url: str, key: str, examples: str, seed: str, out: str) -> int:
    from models_conformance import cli
    from models_conformance.judge import judge
    from models_conformance.server import run
    from models_conformance.transcript import Transcript

    measured: dict[str, Any] = {}
    phase: list[Any] = []
    send_generated = run.send_generated

    def timed(target: Any, settings: Any, **kwargs: Any) -> None:
        before = len(target.exchanges)
        cpu, start = time.process_time(), time.perf_counter()
        try:
            send_generated(target, settings, **kwargs)
        finally:
            measured["seconds"] = time.perf_counter() - start
            measured["cpu_seconds"] = time.process_time() - cpu
            phase.extend(target.exchanges[before:])
            measured["contract"] = target.contract

    run.send_generated = timed
    options = ["--base-url", base_url, "--api-key", key, "--examples", examples, "--seed", seed]
    with contextlib.redirect_stdout(io.StringIO()) as summary:
        code = cli.main(["server", *options])
    if code != 0 or "seconds" not in measured:
        print(summary.getvalue(), file=sys.stderr)
        return code or 1
    start = time.perf_counter()
    judge(Transcript("server", measured["contract"], phase))
    measured["judge_seconds"] = time.perf_counter() - start
    measured["requests"] = [[x.request.method, x.request.target, x.request.headers] for x in phase]
    measured["statuses"] = [x.response.status for x in phase]
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(measured, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
