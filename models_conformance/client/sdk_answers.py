"""The official Python SDK's results and exceptions as connector-protocol answers.

Read from the SDK's source (2.14): ``APIStatusError`` carries ``status_code``, ``type`` (the
body's ``error.type``), ``api_message`` (``error.message``) and ``request_id`` (the ``request-id``
header); ``APITimeoutError`` is an ``APIConnectionError``; a 200 whose body is not JSON raises
``json.JSONDecodeError`` from the parser; an empty ``model_id`` raises ``ValueError`` before any
request; a 200 that is not ``application/json`` comes back as the body text.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

__all__ = ["anthropic_answer", "plain"]


def plain(value: Any) -> Any:
    """``value`` as JSON data: SDK models as the fields they hold, date-times as RFC 3339 strings."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        # Only the fields the response set (the SDK's default), extra ones included, under their API names.
        return plain(to_dict(mode="python", warnings=False))
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


def _failure(kind: str, **fields: Any) -> dict[str, Any]:
    error = {"kind": kind, "status": None, "type": None, "message": None, "request_id": None}
    error.update(fields)
    return {"ok": False, "error": error}


def anthropic_answer(anthropic: ModuleType, retrieve: Callable[[], Any]) -> dict[str, Any]:
    """Run ``retrieve`` (an SDK call) and describe its outcome as a protocol answer."""
    try:
        result = retrieve()
    except anthropic.APIStatusError as exc:
        error_type = exc.type if isinstance(exc.type, str) else None
        return _failure(
            "status",
            status=exc.status_code,
            type=error_type,
            message=exc.api_message or exc.message,
            request_id=exc.request_id,
        )
    except anthropic.APITimeoutError as exc:
        return _failure("timeout", message=exc.message)
    except anthropic.APIConnectionError as exc:
        return _failure("connection", message=exc.message)
    except anthropic.APIResponseValidationError as exc:
        return _failure("invalid_response", status=exc.status_code, message=exc.message)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return _failure("invalid_response", message=f"{type(exc).__name__}: {exc}")
    except (ValueError, TypeError) as exc:
        return _failure("invalid_argument", message=f"{type(exc).__name__}: {exc}")
    except Exception as exc:
        return _failure("other", message=f"{type(exc).__name__}: {exc}")
    return {"ok": True, "model": plain(result)}
