"""The official Python SDK's other ways to get a model, judged in-process (``--python MODULE:FACTORY``).

``--python anthropic`` judges ``Anthropic().beta.models.retrieve``. These factories judge the rest:

    export PYTHONPATH=connectors/python-foreign
    models-conformance client --python anthropic_variants:models_retrieve       # Anthropic().models.retrieve
    models-conformance client --python anthropic_variants:async_beta_retrieve   # AsyncAnthropic, httpx
    models-conformance client --python anthropic_variants:aiohttp_beta_retrieve # AsyncAnthropic, aiohttp

The non-beta call and the async client build the request and parse the answer through other code
than the sync beta call (another resource class, the async base client); the aiohttp transport
(``pip install anthropic[aiohttp]``) hands the URL to aiohttp and yarl instead of httpx.
Errors become protocol answers exactly as for ``--python anthropic``
(``models_conformance.client.sdk_answers``).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import anthropic

from models_conformance.client.sdk_answers import anthropic_answer

__all__ = ["aiohttp_beta_retrieve", "async_beta_retrieve", "models_retrieve"]


def _no_betas(call: str) -> dict[str, Any]:
    # The call has no betas parameter (``takes_betas = False`` says so, and the suite gives it none):
    # should betas come all the same, refuse them rather than send the call without them.
    message = f"{call} has no betas parameter (anthropic {anthropic.__version__}); nothing was sent"
    return {"ok": False, "error": {"kind": "invalid_argument", "message": message}}


class ModelsRetrieve:
    """``Anthropic(...).models.retrieve(model_id)``: the non-beta resource; it takes no betas."""

    takes_betas = False

    def __init__(self) -> None:
        self.name = "anthropic client.models.retrieve (Python SDK, in-process)"
        self.version = anthropic.__version__
        self._base: anthropic.Anthropic | None = None

    def retrieve(
        self,
        base_url: str,
        api_key: str,
        model_id: str,
        betas: Sequence[str] | None,
        max_retries: int,
        timeout_s: float,
    ) -> dict[str, Any]:
        if betas is not None:
            return _no_betas("client.models.retrieve()")
        if self._base is None:
            # One client for the run; with_options() shares its connection pool between calls.
            self._base = anthropic.Anthropic(api_key=api_key, base_url=base_url)
        client = self._base.with_options(
            api_key=api_key, base_url=base_url, max_retries=max_retries, timeout=timeout_s
        )
        return anthropic_answer(anthropic, lambda: client.models.retrieve(model_id))

    def close(self) -> None:
        if self._base is not None:
            self._base.close()


class AsyncBetaRetrieve:
    """``AsyncAnthropic(...).beta.models.retrieve(model_id, betas=...)``, awaited on one event loop.

    The loop runs in a thread of its own for the whole run, as in an application that keeps one
    async client; each call is scheduled on it and waited for from the suite's worker thread.
    """

    def __init__(self, *, transport: str = "httpx") -> None:
        self.name = f"anthropic AsyncAnthropic beta.models.retrieve ({transport}, Python SDK, in-process)"
        self.version = anthropic.__version__
        self._transport = transport
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, daemon=True, name="async-client-loop").start()
        self._base: anthropic.AsyncAnthropic | None = None

    def _run(self, make: Callable[[], Awaitable[Any]]) -> Any:
        async def scheduled() -> Any:
            return await make()

        return asyncio.run_coroutine_threadsafe(scheduled(), self._loop).result()

    def _client(self, base_url: str, api_key: str) -> anthropic.AsyncAnthropic:
        if self._base is None:

            async def make() -> anthropic.AsyncAnthropic:
                # aiohttp's session must be created on the loop that will use it.
                http_client = anthropic.DefaultAioHttpClient() if self._transport == "aiohttp" else None
                return anthropic.AsyncAnthropic(api_key=api_key, base_url=base_url, http_client=http_client)

            self._base = self._run(make)
        return self._base

    def retrieve(
        self,
        base_url: str,
        api_key: str,
        model_id: str,
        betas: Sequence[str] | None,
        max_retries: int,
        timeout_s: float,
    ) -> dict[str, Any]:
        client = self._client(base_url, api_key).with_options(
            api_key=api_key, base_url=base_url, max_retries=max_retries, timeout=timeout_s
        )
        options: dict[str, Any] = {} if betas is None else {"betas": list(betas)}
        return anthropic_answer(
            anthropic, lambda: self._run(lambda: client.beta.models.retrieve(model_id, **options))
        )

    def close(self) -> None:
        if self._base is not None:
            self._run(self._base.close)
        self._loop.call_soon_threadsafe(self._loop.stop)


def models_retrieve() -> ModelsRetrieve:
    return ModelsRetrieve()


def async_beta_retrieve() -> AsyncBetaRetrieve:
    return AsyncBetaRetrieve()


def aiohttp_beta_retrieve() -> AsyncBetaRetrieve:
    return AsyncBetaRetrieve(transport="aiohttp")
