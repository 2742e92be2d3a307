"""The project's own recording served back: ``models-conformance mock --replay cassettes/reference``.

A control target: the recording is a run against the reference server, so every verdict that differs
from the reference server's says something about replaying (matched on method and path only), not
about a server.
"""

from __future__ import annotations

from pathlib import Path

from _spec import Launch, TargetSpec

FOLDER = Path(__file__).parent


def _command(launch: Launch) -> list[str]:
    return [
        *launch.conformance,
        "mock",
        "--port",
        str(launch.port),
        "--replay",
        launch.at_root("cassettes/reference"),
    ]


TARGETS = [
    TargetSpec(
        name="replay",
        title="models-conformance mock --replay cassettes/reference",
        about=(
            "The project's own recording of a run against the reference server "
            "(`cassettes/reference/run.yaml`), served back by `mock --replay`: responses are matched on "
            "method and path (not on headers), in recorded order. The alias is the one the recording "
            "retrieves."
        ),
        folder=FOLDER,
        command=_command,
        suite_args=("--alias", "claude-opus-4-5"),
        doc_port=4011,
        ready_timeout=30.0,
    ),
]
