"""Clients that each break one client requirement, and the conformant client they are made from.

:class:`ConformantClient` is a small httpx client done right (the suite's own reference client):
it passes every CLI-* check. Each broken client overrides one of its steps; ``BROKEN`` says which
requirement each breaks. They are in-process clients (``--python tests.broken_clients:NAME``).

Run as a module, this file is also a connector (``python -m tests.broken_clients MODE``) for the
conformant client that misbehaves once, on the first ``retrieve`` of the run, in the way MODE says:
``crash``, ``hang`` or ``garbage`` (non-JSON on stdout). ``BROKEN_CONNECTOR_STATE`` names a file
that remembers, across restarts, that it already did.
"""

from __future__ import annotations

import email.utils
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from models_conformance.schemas import load_schema

# The fields the contract knows, from the schema itself.
_MODEL_SCHEMA = load_schema("beta-model-info.json")
REQUIRED = tuple(_MODEL_SCHEMA["required"])
KNOWN_FIELDS = frozenset(_MODEL_SCHEMA["properties"])


def failure(kind: str, **fields: Any) -> dict[str, Any]:
    return {
        "ok": False,
        "error": {"kind": kind, "status": None, "type": None, "message": None, "request_id": None, **fields},
    }


class ConformantClient:
    """GET {base_url}/v1/models/{id} done right, in small overridable steps."""

    name = "conformant reference client (tests)"
    version = "1.0"
    backoff_s = 0.05  # small, so that the suite's own tests stay fast

    def __init__(self) -> None:
        self.http = httpx.Client(trust_env=False)
        self.attempt = 0

    def close(self) -> None:
        self.http.close()

    def retrieve(
        self,
        base_url: str,
        api_key: str,
        model_id: str,
        betas: Sequence[str] | None,
        max_retries: int,
        timeout_s: float,
    ) -> dict[str, Any]:
        refusal = self.refuse(model_id)
        if refusal:
            return failure("invalid_argument", message=refusal)
        for attempt in range(self.attempts(max_retries)):
            self.attempt = attempt  # what a client that builds its retries apart gets wrong
            try:
                response = self.send(self.url(base_url, model_id), self.headers(api_key, betas), timeout_s)
            except httpx.TimeoutException as exc:
                if attempt < max_retries:
                    continue
                return failure("timeout", message=str(exc))
            except httpx.TransportError as exc:
                return failure("connection", message=str(exc))
            if response.status_code == 200:
                return self.parse(response)
            if attempt + 1 < self.attempts(max_retries) and self.should_retry(response):
                time.sleep(self.delay(response, attempt))
                continue
            return self.error(response)
        raise AssertionError("unreachable")

    def attempts(self, max_retries: int) -> int:
        return max_retries + 1

    def url(self, base_url: str, model_id: str) -> str:
        return base_url.rstrip("/") + "/v1/models/" + self.encode(model_id)

    def refuse(self, model_id: str) -> str | None:
        if not model_id:
            return "model_id must not be empty"
        if model_id.partition(";")[0] in ("", ".", ".."):
            return f"model_id {model_id!r} is not safe as a path segment"
        return None

    def encode(self, model_id: str) -> str:
        return quote(model_id, safe="!$&'()*+,;=:@")

    def headers(self, api_key: str, betas: Sequence[str] | None) -> dict[str, str]:
        headers = {"anthropic-version": "2023-06-01", "x-api-key": api_key}
        if betas is not None:
            headers["anthropic-beta"] = ",".join(betas)
        return headers

    def send(self, url: str, headers: dict[str, str], timeout_s: float | None) -> httpx.Response:
        return self.http.get(url, headers=headers, timeout=timeout_s)

    def parse(self, response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError as exc:
            return failure("invalid_response", status=200, message=f"the body is not JSON: {exc}")
        if not isinstance(body, dict) or not all(isinstance(body.get(name), str) for name in REQUIRED):
            return failure("invalid_response", status=200, message="the body is not a BetaModelInfo")
        return {"ok": True, "model": self.model(body)}

    def model(self, body: dict[str, Any]) -> dict[str, Any]:
        return body  # every field kept as sent; created_at stays the RFC 3339 string it was

    def should_retry(self, response: httpx.Response) -> bool:
        flag = response.headers.get("x-should-retry")
        if flag in ("true", "false"):
            return flag == "true"
        return response.status_code in (408, 409, 429) or response.status_code >= 500

    def delay(self, response: httpx.Response, attempt: int) -> float:
        for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
            try:
                return float(response.headers[name]) * scale
            except (KeyError, ValueError):
                pass
        until = self.retry_at(response.headers.get("retry-after"))
        if until is not None:
            return max(0.0, until - time.time())
        return self.backoff_s * 2**attempt

    def retry_at(self, value: str | None) -> float | None:
        """The instant an HTTP-date ``retry-after`` names."""
        try:
            return email.utils.parsedate_to_datetime(value).timestamp() if value else None
        except (TypeError, ValueError):
            return None

    def error(self, response: httpx.Response) -> dict[str, Any]:
        try:
            detail = response.json()["error"]
            error_type, message = detail.get("type"), detail.get("message")
        except (ValueError, KeyError, TypeError, AttributeError):
            error_type, message = None, response.text
        return failure(
            "status",
            status=response.status_code,
            type=error_type,
            message=message,
            request_id=response.headers.get("request-id"),
        )


class WrongPathEncoding(ConformantClient):
    def encode(self, model_id: str) -> str:
        return quote(model_id, safe="/")  # a "/" in the id goes out raw


class CallsListForEmptyId(ConformantClient):
    def refuse(self, model_id: str) -> str | None:
        return None if not model_id else super().refuse(model_id)


class NoVersion(ConformantClient):
    def headers(self, api_key: str, betas: Sequence[str] | None) -> dict[str, str]:
        headers = super().headers(api_key, betas)
        del headers["anthropic-version"]
        return headers


class KeyInUrl(ConformantClient):
    def send(self, url: str, headers: dict[str, str], timeout_s: float | None) -> httpx.Response:
        key = headers.pop("x-api-key")
        return self.http.get(url, params={"api_key": key}, headers=headers, timeout=timeout_s)


class BetasJoinedWithSemicolons(ConformantClient):
    def headers(self, api_key: str, betas: Sequence[str] | None) -> dict[str, str]:
        headers = super().headers(api_key, betas)
        if betas is not None:
            headers["anthropic-beta"] = "; ".join(betas)
        return headers


class SendsABody(ConformantClient):
    def send(self, url: str, headers: dict[str, str], timeout_s: float | None) -> httpx.Response:
        return self.http.request("GET", url, headers=headers, json={}, timeout=timeout_s)


class MangledCreatedAt(ConformantClient):
    def model(self, body: dict[str, Any]) -> dict[str, Any]:
        # Reads the wall-clock part and calls it UTC: the offset and the fraction are lost.
        return {**body, "created_at": body["created_at"][:19] + "Z"}


class CrashesOnUnknownFields(ConformantClient):
    def model(self, body: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(body) - KNOWN_FIELDS)
        if unknown:
            raise TypeError(f"BetaModelInfo() got unexpected fields {unknown}")
        return body


class SwallowsErrorDetails(ConformantClient):
    def error(self, response: httpx.Response) -> dict[str, Any]:
        return failure("other", message="the request failed")


class RetriesNotFound(ConformantClient):
    def should_retry(self, response: httpx.Response) -> bool:
        return super().should_retry(response) or response.status_code == 404


class NeverRetries5xx(ConformantClient):
    def should_retry(self, response: httpx.Response) -> bool:
        flag = response.headers.get("x-should-retry")
        return flag == "true" or (flag is None and response.status_code in (408, 409, 429))


class IgnoresRetryAfter(ConformantClient):
    def delay(self, response: httpx.Response, attempt: int) -> float:
        return self.backoff_s * 2**attempt


class IgnoresRetryAfterDate(ConformantClient):
    def retry_at(self, value: str | None) -> float | None:
        return None  # honours seconds and milliseconds; a date falls back to the back-off


class IgnoresXShouldRetry(ConformantClient):
    def should_retry(self, response: httpx.Response) -> bool:
        return response.status_code in (408, 409, 429) or response.status_code >= 500


class HalfFilledModel(ConformantClient):
    def parse(self, response: httpx.Response) -> dict[str, Any]:
        try:
            return {"ok": True, "model": response.json()}
        except ValueError:
            return {"ok": True, "model": {"raw": response.text}}


class NoTimeout(ConformantClient):
    def send(self, url: str, headers: dict[str, str], timeout_s: float | None) -> httpx.Response:
        return super().send(url, headers, None)


@dataclass(frozen=True)
class Broken:
    breaks: str
    client: type[ConformantClient]

    @property
    def spec(self) -> str:
        return f"{self.client.__module__}:{self.client.__name__}"


BROKEN = (
    Broken("CLI-PATH", WrongPathEncoding),
    Broken("CLI-EMPTY-ID", CallsListForEmptyId),
    Broken("CLI-VERSION", NoVersion),
    Broken("CLI-AUTH", KeyInUrl),
    Broken("CLI-BETAS", BetasJoinedWithSemicolons),
    Broken("CLI-NO-BODY", SendsABody),
    Broken("CLI-PARSE", MangledCreatedAt),
    Broken("CLI-FORWARD-COMPAT", CrashesOnUnknownFields),
    Broken("CLI-ERROR-SURFACE", SwallowsErrorDetails),
    Broken("CLI-NO-RETRY-4XX", RetriesNotFound),
    Broken("CLI-RETRY", NeverRetries5xx),
    Broken("CLI-RETRY-AFTER", IgnoresRetryAfter),
    Broken("CLI-RETRY-AFTER", IgnoresRetryAfterDate),
    Broken("CLI-X-SHOULD-RETRY", IgnoresXShouldRetry),
    Broken("CLI-MALFORMED", HalfFilledModel),
    Broken("CLI-TIMEOUT", NoTimeout),
)


def _misbehave_once(mode: str) -> bool:
    state = os.environ["BROKEN_CONNECTOR_STATE"]
    if os.path.exists(state):
        return False
    with open(state, "w") as marker:
        marker.write(mode)
    return True


def serve_as_connector(mode: str) -> None:
    client = ConformantClient()
    for line in sys.stdin:
        request = json.loads(line)
        if request["op"] == "stop":
            return
        if request["op"] == "hello":
            answer: dict[str, Any] = {"ok": True, "name": f"broken connector ({mode})", "version": "0"}
        else:
            if _misbehave_once(mode):
                if mode == "crash":
                    sys.exit(7)
                if mode == "hang":
                    time.sleep(3600)
                sys.stdout.write("this is not JSON\n")
                sys.stdout.flush()
                continue
            arguments = {
                k: request[k]
                for k in ("base_url", "api_key", "model_id", "betas", "max_retries", "timeout_s")
            }
            answer = client.retrieve(**arguments)
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve_as_connector(sys.argv[1])
