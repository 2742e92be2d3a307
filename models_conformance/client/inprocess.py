"""Python clients judged in this process: the official ``anthropic`` SDK, or a user's own client.

A client is anything with the :class:`Client` method ``retrieve``, answering the same dicts a
connector prints. ``--python anthropic`` is :class:`AnthropicClient`; ``--python module:factory``
calls ``factory()`` (``module:attr.attr`` works too) and judges what it returns.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from .protocol import Answer, Call, CallTimedOut, Failure, call_deadline, parse_answer

__all__ = ["AnthropicClient", "Client", "ClientSpecError", "InProcess", "load"]


@runtime_checkable
class Client(Protocol):
    """A client under test. ``name`` and ``version`` are optional attributes for the report."""

    def retrieve(
        self,
        base_url: str,
        api_key: str,
        model_id: str,
        betas: Sequence[str] | None,
        max_retries: int,
        timeout_s: float,
    ) -> dict[str, Any]:
        """Retrieve one model; ``{"ok": true, "model": {...}}`` or ``{"ok": false, "error": {...}}``."""
        ...


class ClientSpecError(Exception):
    """``--python SPEC`` names nothing usable; the message says what was expected."""


class InProcess:
    """A :class:`Client` as a :class:`~models_conformance.client.protocol.Driver`.

    Each call runs in a worker thread so that a client without a timeout is bounded by the call's
    deadline; such a thread is left behind (daemon), and the scenario server lets its request go
    when the check ends.
    """

    def __init__(self, client: Client, *, spec: str | None = None) -> None:
        if not callable(getattr(client, "retrieve", None)):
            raise ClientSpecError(
                f"{client!r} has no retrieve() method (see models_conformance.client.inprocess.Client)"
            )
        self.client = client
        self.spec = spec or type(client).__qualname__
        self.name = str(getattr(client, "name", None) or self.spec)
        self.version = str(getattr(client, "version", None) or "unknown")
        self.takes_betas = bool(getattr(client, "takes_betas", True))

    def describe(self) -> str:
        return f"python: {self.spec}"

    def answer(self, call: Call) -> Answer:
        result: list[Any] = []

        def work() -> None:
            betas = None if call.betas is None else list(call.betas)
            try:
                result.append(
                    self.client.retrieve(
                        call.base_url, call.api_key, call.model_id, betas, call.max_retries, call.timeout_s
                    )
                )
            except Exception as exc:  # an exception escaping retrieve() is the client failing the call
                result.append(Failure("other", message=f"{type(exc).__name__}: {exc}"))

        deadline = call_deadline(call)
        started = time.monotonic()
        worker = threading.Thread(target=work, daemon=True, name="client-under-test")
        worker.start()
        worker.join(deadline)
        if not result:
            raise CallTimedOut(
                f"harness error: the client did not return within {deadline:.1f} s",
                time.monotonic() - started,
            )
        answer = result[0]
        return answer if isinstance(answer, Failure) else parse_answer(answer)

    def close(self) -> None:
        close = getattr(self.client, "close", None)
        if callable(close):
            close()


class AnthropicClient:
    """The official Python SDK: ``Anthropic(...).beta.models.retrieve(model_id, betas=...)``."""

    def __init__(self) -> None:
        import anthropic

        self._anthropic = anthropic
        self.name = "anthropic (Python SDK, in-process)"
        self.version = anthropic.__version__
        self._base: Any = None

    def retrieve(
        self,
        base_url: str,
        api_key: str,
        model_id: str,
        betas: Sequence[str] | None,
        max_retries: int,
        timeout_s: float,
    ) -> dict[str, Any]:
        from .sdk_answers import anthropic_answer

        if self._base is None:
            # One client for the run; with_options() shares its connection pool between calls.
            self._base = self._anthropic.Anthropic(api_key=api_key, base_url=base_url)
        client = self._base.with_options(
            api_key=api_key, base_url=base_url, max_retries=max_retries, timeout=timeout_s
        )
        return anthropic_answer(
            self._anthropic, lambda: client.beta.models.retrieve(model_id, **_betas(betas))
        )

    def close(self) -> None:
        if self._base is not None:
            self._base.close()


def _betas(betas: Sequence[str] | None) -> dict[str, Any]:
    return {} if betas is None else {"betas": list(betas)}


def load(spec: str) -> InProcess:
    """The client named by ``spec``: ``anthropic``, or ``module:factory`` returning a :class:`Client`."""
    if spec == "anthropic":
        try:
            return InProcess(AnthropicClient(), spec=spec)
        except ImportError as exc:
            raise ClientSpecError(
                f"--python anthropic needs the SDK: pip install anthropic ({exc})"
            ) from None
    module_name, colon, attribute = spec.partition(":")
    if not colon or not module_name or not attribute:
        raise ClientSpecError(
            f"expected 'anthropic' or 'module:factory' (e.g. mypkg.testing:make_client), got {spec!r}"
        )
    # Like uvicorn's app directory: a module beside the caller is found from a console script too.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        target: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise ClientSpecError(f"cannot import {module_name!r} for --python {spec}: {exc}") from None
    for part in attribute.split("."):
        if not hasattr(target, part):
            raise ClientSpecError(f"{module_name!r} has no attribute {attribute!r} (from --python {spec})")
        target = getattr(target, part)
    if not callable(target):
        raise ClientSpecError(f"--python {spec}: {attribute} is not callable; it must return a client")
    return InProcess(target(), spec=spec)
