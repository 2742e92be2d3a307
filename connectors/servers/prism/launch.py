"""Prism (@stoplight/prism-cli) mocking the project's own schemas/openapi.yaml.

Static mode answers every request with the examples of the document; dynamic mode (-d) generates a
body from the schema each time, from Prism's own seed so that a run can be repeated.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from _spec import Launch, Npm, TargetSpec

FOLDER = Path(__file__).parent
PRISM_SEED = "20261202"


def _command(dynamic: bool) -> Callable[[Launch], list[str]]:
    def command(launch: Launch) -> list[str]:
        argv = [f"{launch.home}/node_modules/.bin/prism", "mock", "-h", "127.0.0.1", "-p", str(launch.port)]
        # warn: Prism logs every request at its default level; its log only needs to show a crash.
        argv += ["-v", "warn"]
        if dynamic:
            argv += ["-d", "--seed", PRISM_SEED]
        return [*argv, launch.at_root("schemas/openapi.yaml")]

    return command


_INSTALL = Npm(packages=("@stoplight/prism-cli",))

TARGETS = [
    TargetSpec(
        name="prism-static",
        title="Prism, static examples",
        about=(
            "Prism mocking `schemas/openapi.yaml`, the OpenAPI document this project ships for mocks "
            "and code generators. In static mode it answers each operation with the example in the "
            "document (or one it makes from the schema where there is none), whatever the id."
        ),
        folder=FOLDER,
        install=_INSTALL,
        command=_command(dynamic=False),
        doc_port=4010,
    ),
    TargetSpec(
        name="prism-dynamic",
        title="Prism, dynamic examples (-d)",
        about=(
            "Prism mocking `schemas/openapi.yaml` in dynamic mode: every answer is generated from the "
            f"response schema (json-schema-faker), seeded with `--seed {PRISM_SEED}`."
        ),
        folder=FOLDER,
        install=_INSTALL,
        command=_command(dynamic=True),
        doc_port=4010,
    ),
]
