"""mitmproxy (PyPI) as a plain reverse proxy in front of the reference server.

The proxy a team puts in front of an API to watch its traffic: ``mitmdump --mode reverse:UPSTREAM``.
It forwards the caller's key as it is, so the suite sends the reference server's key.
"""

from __future__ import annotations

from pathlib import Path

from _spec import Launch, Pip, TargetSpec

FOLDER = Path(__file__).parent


def _command(launch: Launch) -> list[str]:
    return [
        f"{launch.home}/bin/mitmdump",
        "--mode",
        f"reverse:{launch.upstream}",
        "--listen-host",
        "127.0.0.1",
        "--listen-port",
        str(launch.port),
        # Its certificate authority is made at first start: in the run's folder, not in $HOME.
        "--set",
        f"confdir={launch.work}/mitmproxy",
        "--quiet",
    ]


TARGETS = [
    TargetSpec(
        name="mitmproxy-reverse",
        title="mitmproxy, reverse proxy",
        about=(
            "`mitmdump --mode reverse:UPSTREAM` forwarding every request to the reference server "
            "(`models-conformance mock --api-key ...`); the suite sends the upstream's key, which the "
            "proxy passes on. Aliases are the reference server's (`--alias claude-opus-4-5`)."
        ),
        folder=FOLDER,
        install=Pip(packages=("mitmproxy", "h11", "h2")),
        command=_command,
        upstream=True,
        forwards_key=True,
        suite_args=("--alias", "claude-opus-4-5"),
        doc_port=8080,
    ),
]
