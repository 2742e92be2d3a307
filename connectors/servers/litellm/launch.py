"""LiteLLM's proxy (PyPI `litellm[proxy]`) in front of the reference server, two ways.

- Its Anthropic pass-through, ``/anthropic/{endpoint}``: requests are forwarded to
  ``ANTHROPIC_API_BASE`` with LiteLLM's own upstream key; the base URL under test is ``/anthropic``.
- Its own ``GET /v1/models/{model_id}`` (the route an Anthropic SDK reaches when its base URL is the
  gateway), over a model list routed to the same upstream.

Either way the caller authenticates to LiteLLM with its master key, not with the upstream's key,
which is how a gateway is deployed. No database is configured (LiteLLM's minimal setup).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from _spec import Launch, Pip, TargetSpec

FOLDER = Path(__file__).parent


def _command(config: str) -> Callable[[Launch], list[str]]:
    def command(launch: Launch) -> list[str]:
        config_file = launch.at_root(f"connectors/servers/litellm/{config}")
        return [
            f"{launch.home}/bin/litellm",
            "--config",
            config_file,
            "--host",
            "127.0.0.1",
            "--port",
            str(launch.port),
        ]

    return command


def _env(launch: Launch) -> Mapping[str, str]:
    return {
        "LITELLM_MASTER_KEY": launch.key,
        "ANTHROPIC_API_BASE": launch.upstream or "",
        "ANTHROPIC_API_KEY": launch.upstream_key or "",
        # Its price list otherwise comes from the internet at start-up; the copy in the wheel does.
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    }


_INSTALL = Pip(packages=("litellm", "fastapi", "starlette", "uvicorn", "httpx"))

TARGETS = [
    TargetSpec(
        name="litellm-passthrough",
        title="LiteLLM proxy, Anthropic pass-through",
        about=(
            "LiteLLM's proxy (`litellm --config passthrough.yaml`) forwarding `/anthropic/...` to the "
            "reference server (`models-conformance mock --api-key ...`). The suite's base URL is "
            "`http://127.0.0.1:PORT/anthropic` and its key is LiteLLM's master key; LiteLLM sends its "
            "own upstream key. Aliases are the reference server's (`--alias claude-opus-4-5`)."
        ),
        folder=FOLDER,
        install=_INSTALL,
        command=_command("passthrough.yaml"),
        env=_env,
        base_path="/anthropic",
        upstream=True,
        suite_args=("--alias", "claude-opus-4-5"),
        doc_port=4000,
        ready_path="/health/liveliness",
    ),
    TargetSpec(
        name="litellm-native",
        title="LiteLLM proxy, its own /v1/models/{model_id}",
        about=(
            "LiteLLM's proxy (`litellm --config native.yaml`) answering `GET /v1/models` and "
            "`GET /v1/models/{model_id}` itself, for two models (`claude-opus-4-6`, "
            "`claude-sonnet-4-6`) routed to the reference server. This is what an Anthropic SDK "
            "whose base URL is the gateway reaches."
        ),
        folder=FOLDER,
        install=_INSTALL,
        command=_command("native.yaml"),
        env=_env,
        upstream=True,
        doc_port=4000,
        ready_path="/health/liveliness",
    ),
]
