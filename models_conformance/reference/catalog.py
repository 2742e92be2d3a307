"""The models the reference server knows, and how a catalog file is read.

A catalog file is one JSON object::

    {
      "models": [
        {"id": "claude-opus-4-6", "display_name": "Claude Opus 4.6",
         "created_at": "2026-02-04T00:00:00Z", "lifecycle": "active", ...},
        ...
      ],
      "aliases": {"claude-opus-4-5": "claude-opus-4-5-20251101"}
    }

Each model is the full object as served under API version 2026-10-21 on the beta endpoint:

- required: ``id`` (non-empty string), ``display_name`` (string), ``created_at`` (RFC 3339 date-time
  with ``Z`` or an offset; "May be set to an epoch value if the release date is unknown").
- optional, filled in when absent: ``type`` (must be ``"model"``), ``lifecycle`` (``active`` |
  ``deprecated`` | ``retired``; default ``active``), ``line`` (string or null; default null),
  ``deprecated_at`` and ``retires_at`` (date-time or null; default null).
- optional, left out when absent: ``max_input_tokens`` and ``max_tokens`` (integers or null),
  ``capabilities`` (object), ``allowed_fallback_models`` (list of strings or null).
- any other property is kept and served as is: real servers add fields over time.

``aliases`` (optional) maps an alias to the id of a model in the same file; an alias may not be a model
id itself nor point at another alias. Models are served newest first: the loader sorts them by
``created_at``, keeping the file's order among equal dates.
"""

from __future__ import annotations

import calendar
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

__all__ = ["LIFECYCLES", "Catalog", "CatalogError", "default_catalog", "load_catalog"]

LIFECYCLES = ("active", "deprecated", "retired")

# RFC 3339 section 5.6 date-time; the offset is mandatory (SRV-200-CREATED-AT).
_DATE_TIME = re.compile(
    r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)"
    r"(?P<fraction>\.\d+)?(?P<offset>[Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)\Z"
)
_FORMAT_HINT = 'a catalog file is {"models": [{"id", "display_name", "created_at", ...}], "aliases": {...}}'


class CatalogError(ValueError):
    """A catalog file that cannot be used; the message names the file, the problem and what is allowed."""


@dataclass(frozen=True)
class Catalog:
    """Models newest first (each a full 2026-10-21 beta object) and aliases (alias -> concrete id).

    Treat the model mappings as read-only: the default catalog is shared by everything in the process.
    """

    models: tuple[Mapping[str, Any], ...]
    aliases: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        ids = [model["id"] for model in self.models]
        if len(set(ids)) != len(ids):
            raise CatalogError("model ids must be unique")
        unknown = sorted(target for target in self.aliases.values() if target not in ids)
        if unknown:
            raise CatalogError(f"aliases point at unknown model ids: {unknown}")

    def resolve(self, model_id: str) -> str | None:
        """The concrete id for a model id or an alias; None when the catalog has neither."""
        if model_id in self.aliases:
            return self.aliases[model_id]
        return model_id if any(model["id"] == model_id for model in self.models) else None


def load_catalog(path: str | Path) -> Catalog:
    """Read and check a catalog file (format in this module's docstring); raises CatalogError."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(f"catalog file {source!r} not found; {_FORMAT_HINT}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogError(f"catalog file {source!r} cannot be read: {error}") from None
    return parse_catalog(text, source)


@functools.cache
def default_catalog() -> Catalog:
    """The built-in catalog: the real models seen in recorded API traffic, with their aliases."""
    text = resources.files(__package__).joinpath("default_catalog.json").read_text(encoding="utf-8")
    return parse_catalog(text, "default_catalog.json")


def parse_catalog(text: str, source: str) -> Catalog:
    """Check catalog JSON text; ``source`` names it in error messages."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogError(
            f"catalog file {source!r} is not JSON: {error.msg} at line {error.lineno} column {error.colno}; "
            f"{_FORMAT_HINT}"
        ) from None
    if not isinstance(document, dict):
        raise CatalogError(f"catalog file {source!r}: the top level must be an object; {_FORMAT_HINT}")
    unknown_keys = sorted(set(document) - {"models", "aliases"})
    if unknown_keys:
        raise CatalogError(
            f"catalog file {source!r}: unknown top-level key(s) {unknown_keys}; allowed: 'models', 'aliases'"
        )
    raw_models = document.get("models")
    if not isinstance(raw_models, list) or not raw_models:
        raise CatalogError(f"catalog file {source!r}: 'models' must be a non-empty list; {_FORMAT_HINT}")

    models: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_models):
        model = _check_model(raw, f"catalog file {source!r}: models[{index}]")
        if model["id"] in seen:
            raise CatalogError(
                f"catalog file {source!r}: models[{index}] has duplicate id {model['id']!r}; "
                "each model id may appear once"
            )
        seen.add(model["id"])
        models.append(model)

    aliases = _check_aliases(document.get("aliases", {}), seen, f"catalog file {source!r}")
    # Newest first; sorted() is stable, so models released the same day keep the file's order.
    models.sort(key=lambda model: _sort_key(model["created_at"]), reverse=True)
    return Catalog(models=tuple(models), aliases=MappingProxyType(aliases))


def _check_model(raw: object, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise CatalogError(f"{where} must be an object with at least 'id', 'display_name', 'created_at'")
    for name in ("id", "display_name", "created_at"):
        if name not in raw:
            raise CatalogError(
                f"{where} is missing the field {name!r}; every model needs 'id', 'display_name', 'created_at'"
            )
    model: dict[str, Any] = dict(raw)
    if not isinstance(model["id"], str) or not model["id"]:
        raise CatalogError(f"{where}: 'id' must be a non-empty string, got {model['id']!r}")
    where = f"{where} ({model['id']!r})"
    if not isinstance(model["display_name"], str):
        raise CatalogError(f"{where}: 'display_name' must be a string, got {model['display_name']!r}")
    if model.setdefault("type", "model") != "model":
        raise CatalogError(f"{where}: 'type' must be \"model\", got {model['type']!r}")
    if model.setdefault("lifecycle", "active") not in LIFECYCLES:
        raise CatalogError(
            f"{where}: 'lifecycle' must be one of {list(LIFECYCLES)}, got {model['lifecycle']!r}"
        )
    _check_date_time(model["created_at"], f"{where}: 'created_at'", nullable=False)
    for name in ("deprecated_at", "retires_at"):
        _check_date_time(model.setdefault(name, None), f"{where}: {name!r}", nullable=True)
    line = model.setdefault("line", None)
    if line is not None and not isinstance(line, str):
        raise CatalogError(f"{where}: 'line' must be a string or null, got {line!r}")
    for name in ("max_input_tokens", "max_tokens"):
        value = model.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise CatalogError(f"{where}: {name!r} must be an integer or null, got {value!r}")
    if "capabilities" in model and not isinstance(model["capabilities"], (dict, type(None))):
        raise CatalogError(f"{where}: 'capabilities' must be an object or null")
    fallbacks = model.get("allowed_fallback_models")
    if fallbacks is not None and (
        not isinstance(fallbacks, list) or not all(isinstance(item, str) for item in fallbacks)
    ):
        raise CatalogError(f"{where}: 'allowed_fallback_models' must be a list of strings or null")
    return model


def _check_date_time(value: object, where: str, *, nullable: bool) -> None:
    if value is None and nullable:
        return
    if not isinstance(value, str) or not _DATE_TIME.match(value):
        allowed = 'an RFC 3339 date-time with Z or an offset, e.g. "2026-02-04T00:00:00Z"'
        raise CatalogError(f"{where} must be {allowed}{' or null' if nullable else ''}, got {value!r}")


def _check_aliases(raw: object, model_ids: set[str], where: str) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise CatalogError(f"{where}: 'aliases' must be an object mapping alias -> model id")
    for alias, target in raw.items():
        if not alias or not isinstance(target, str):
            raise CatalogError(
                f"{where}: alias {alias!r} must be a non-empty name mapped to a model id string"
            )
        if alias in model_ids:
            raise CatalogError(
                f"{where}: alias {alias!r} is also a model id; an alias must be a distinct name"
            )
        if target not in model_ids:
            raise CatalogError(
                f"{where}: alias {alias!r} points at unknown id {target!r}; "
                "an alias must name the id of a model listed in 'models'"
            )
    return dict(raw)


def _sort_key(created_at: str) -> float:
    # Compare instants, not text: "2026-02-04T01:00:00+02:00" is older than "2026-02-03T23:30:00Z".
    match = _DATE_TIME.match(created_at)
    assert match is not None  # checked by _check_model
    fields = (created_at[0:4], created_at[5:7], created_at[8:10], created_at[11:13], created_at[14:16])
    seconds = calendar.timegm((*map(int, fields), int(created_at[17:19]), 0, 0, 0))
    fraction = float(match["fraction"] or 0)
    offset = match["offset"]
    if offset not in ("Z", "z"):
        sign = -1 if offset[0] == "-" else 1
        seconds -= sign * (int(offset[1:3]) * 3600 + int(offset[4:6]) * 60)
    return seconds + fraction
