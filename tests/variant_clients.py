"""More clients made from :class:`~tests.broken_clients.ConformantClient`: faults the one-probe-per-
requirement design missed, each shown by a retry or by an answer that serves several requirements,
and conformant variants that must pass (each a false alarm if it did not).

In-process clients: ``--python tests.variant_clients:NAME``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import httpx

from models_conformance.contract import ERROR_TYPES

from .broken_clients import Broken, ConformantClient


class DropsKeyOnRetry(ConformantClient):
    def headers(self, api_key: str, betas: Sequence[str] | None) -> dict[str, str]:
        headers = super().headers(api_key, betas)
        if self.attempt:
            del headers["x-api-key"]
        return headers


class DropsVersionOnRetry(ConformantClient):
    def headers(self, api_key: str, betas: Sequence[str] | None) -> dict[str, str]:
        headers = super().headers(api_key, betas)
        if self.attempt:
            del headers["anthropic-version"]
        return headers


class DropsBetasOnRetry(ConformantClient):
    def headers(self, api_key: str, betas: Sequence[str] | None) -> dict[str, str]:
        return super().headers(api_key, None if self.attempt else betas)


class SortsBetas(ConformantClient):
    def headers(self, api_key: str, betas: Sequence[str] | None) -> dict[str, str]:
        return super().headers(api_key, None if betas is None else sorted(betas))


class RetriesToAnotherPath(ConformantClient):
    def url(self, base_url: str, model_id: str) -> str:
        resource = "/v1/model/" if self.attempt else "/v1/models/"
        return base_url.rstrip("/") + resource + self.encode(model_id)


class DoubleEncodesOnRetry(ConformantClient):
    def encode(self, model_id: str) -> str:
        encoded = super().encode(model_id)
        return quote(encoded, safe="!$&'()*+,;=:@") if self.attempt else encoded


class BodyOnRetry(ConformantClient):
    def send(self, url: str, headers: dict[str, str], timeout_s: float | None) -> httpx.Response:
        if not self.attempt:
            return super().send(url, headers, timeout_s)
        return self.http.request("GET", url, headers=headers, json={"retry": self.attempt}, timeout=timeout_s)


class TypeFromStatus(ConformantClient):
    def error(self, response: httpx.Response) -> dict[str, Any]:
        answer = super().error(response)
        status = response.status_code
        answer["error"]["type"] = ERROR_TYPES.get(
            status, "invalid_request_error" if status < 500 else "api_error"
        )
        return answer


class RetriesOneTooMany(ConformantClient):
    def attempts(self, max_retries: int) -> int:
        return max_retries + 2


MISSED = (
    Broken("CLI-PATH", RetriesToAnotherPath),
    Broken("CLI-PATH", DoubleEncodesOnRetry),
    Broken("CLI-VERSION", DropsVersionOnRetry),
    Broken("CLI-AUTH", DropsKeyOnRetry),
    Broken("CLI-BETAS", DropsBetasOnRetry),
    Broken("CLI-BETAS", SortsBetas),
    Broken("CLI-NO-BODY", BodyOnRetry),
    Broken("CLI-ERROR-SURFACE", TypeFromStatus),
    Broken("CLI-RETRY", RetriesOneTooMany),
)

# RFC 3339's date-time: the parts a client may write another way without changing the instant.
_DATE_TIME = re.compile(r"^(?P<date>[^Tt]+)[Tt](?P<time>\d\d:\d\d:\d\d)(?P<fraction>\.\d+)?(?P<offset>.+)$")


class NormalisesCreatedAtToUtc(ConformantClient):
    """Exposes created_at as UTC with microseconds, the way a datetime library prints it."""

    def model(self, body: dict[str, Any]) -> dict[str, Any]:
        match = _DATE_TIME.match(body["created_at"])
        assert match is not None
        offset = match["offset"].upper()
        zone = dt.timezone.utc
        if offset != "Z":
            sign = -1 if offset[0] == "-" else 1
            zone = dt.timezone(sign * dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
        micros = int(((match["fraction"] or ".")[1:] + "000000")[:6])
        local = dt.datetime.fromisoformat(f"{match['date']}T{match['time']}").replace(
            microsecond=micros, tzinfo=zone
        )
        return {**body, "created_at": local.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")}


class LowerCaseTAndZ(ConformantClient):
    def model(self, body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "created_at": body["created_at"].lower()}


class SpaceForT(ConformantClient):
    def model(self, body: dict[str, Any]) -> dict[str, Any]:
        return {
            **body,
            "created_at": _DATE_TIME.sub(r"\g<date> \g<time>\g<fraction>\g<offset>", body["created_at"]),
        }


class MoreFractionDigits(ConformantClient):
    def model(self, body: dict[str, Any]) -> dict[str, Any]:
        match = _DATE_TIME.match(body["created_at"])
        assert match is not None
        fraction = (match["fraction"] or ".") + "000000000000"
        return {**body, "created_at": f"{match['date']}T{match['time']}{fraction}{match['offset']}"}


class SendsDotIdsEncoded(ConformantClient):
    """Sends ``.``, ``..`` and ``;x`` rather than refusing them, every character encoded."""

    def refuse(self, model_id: str) -> str | None:
        return None if model_id else super().refuse(model_id)

    def encode(self, model_id: str) -> str:
        if model_id.partition(";")[0] in ("", ".", ".."):
            return "".join("%2E" if char == "." else quote(char, safe="") for char in model_id)
        return super().encode(model_id)


class CommaSpaceBetas(ConformantClient):
    """Joins betas with ", ": an HTTP list allows whitespace around its commas (RFC 9110 5.6.1)."""

    def headers(self, api_key: str, betas: Sequence[str] | None) -> dict[str, str]:
        headers = super().headers(api_key, betas)
        if betas is not None:
            headers["anthropic-beta"] = ", ".join(betas)
        return headers


class BearerKey(ConformantClient):
    def headers(self, api_key: str, betas: Sequence[str] | None) -> dict[str, str]:
        headers = super().headers(api_key, betas)
        headers["authorization"] = f"Bearer {headers.pop('x-api-key')}"
        return headers


class WrapsErrorMessage(ConformantClient):
    """Says the status before the server's message, as the official SDKs do."""

    def error(self, response: httpx.Response) -> dict[str, Any]:
        answer = super().error(response)
        answer["error"]["message"] = f"Error code: {response.status_code} - {answer['error']['message']}"
        return answer


# ConformantClient itself refuses ".", ".." and ";x" before sending (its refuse()).
CONFORMANT = (
    ConformantClient,
    NormalisesCreatedAtToUtc,
    LowerCaseTAndZ,
    SpaceForT,
    MoreFractionDigits,
    SendsDotIdsEncoded,
    CommaSpaceBetas,
    BearerKey,
    WrapsErrorMessage,
)
