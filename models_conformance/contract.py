"""Facts of the contract that are not JSON Schemas: the errors table, credential forms, the path.

Each is stated once here and cited where it comes from; the registry's requirements refer to them.
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import quote

__all__ = [
    "CONTRACTS",
    "CREDENTIAL_FORM",
    "DEFAULT_CONTRACT",
    "ERROR_TYPES",
    "MODELS_PATH",
    "CredentialForm",
    "auth_headers",
    "encode_segment",
]

# The API versions the suite speaks: 2023-06-01 is the reference page's (the seed); 2026-10-21 is the
# later version the official 2.x SDKs send.
CONTRACTS: tuple[str, ...] = ("2023-06-01", "2026-10-21")
DEFAULT_CONTRACT = "2023-06-01"

CredentialForm = Literal["x-api-key", "bearer"]
# The credential form each contract version's SDKs send: x-api-key in SDK 1.x (2023-06-01),
# Authorization: Bearer in SDK 2.x (2026-10-21).
CREDENTIAL_FORM: dict[str, CredentialForm] = {"2023-06-01": "x-api-key", "2026-10-21": "bearer"}

# HTTP status -> error.type, from the API's errors page. Statuses not listed are not judged: the page
# says 400's type "is also used for other 4xx", which is a habit, not a rule to enforce.
ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}

# `/v1/models` (the list) or `/v1/models/<segment>` (a retrieve; <segment> is the raw id as sent),
# after any base path a gateway puts in front.
MODELS_PATH = re.compile(r"(?:^|/)v1/models(?:/(?P<segment>.*))?$")


def encode_segment(model_id: str) -> str:
    """``model_id`` as one path segment, the canonical way: everything but RFC 3986 unreserved
    characters percent-encoded (UTF-8, upper-case hex)."""
    return quote(model_id, safe="-._~")


def auth_headers(form: CredentialForm | None, key: str) -> dict[str, str]:
    if form is None:
        return {}
    return {"x-api-key": key} if form == "x-api-key" else {"authorization": f"Bearer {key}"}
