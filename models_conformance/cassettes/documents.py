"""A recording file read into plain data, within bounds, whatever the file holds.

The file's size is checked before it is read. YAML is built from the parser's events (libyaml's
where PyYAML has it) straight into dicts, lists and scalars: no tag ever constructs an object (a
``!ruby/...`` or ``!!python/object`` node is read as plain data), the nesting depth and the number of
values (aliases counted as expanded: a "billion laughs" file stops early) are capped, and so is the
list of interactions, while it is read. JSON goes through Python's parser when it cannot make more
values than the cap, else through the same bounded path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..limits import FileLimits
from ..sizes import show_size

__all__ = ["CASSETTE_KEYS", "DocumentError", "FileLimits", "parse", "read_file"]

CASSETTE_KEYS = frozenset({"interactions", "http_interactions"})
_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser: ~10 times faster
_SAFE_SCALARS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "binary", "timestamp", "str")
)
_BINARY = "tag:yaml.org,2002:binary"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_MERGE = object()  # the key `<<`: the mappings it names are merged into the one it is in


class DocumentError(ValueError):
    """The file cannot be read as a document within the limits; one line saying why."""


def read_file(path: Path, limits: FileLimits) -> bytes:
    """The file's bytes; DocumentError when it cannot be read or is over ``max_file_bytes``."""
    try:
        with path.open("rb") as file:
            raw = file.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise DocumentError(f"cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > limits.max_file_bytes:
        size = f"{path.stat().st_size:,} bytes" if path.is_file() else "larger"  # a pipe has no size
        raise DocumentError(
            f"the file is {size}, over the {show_size(limits.max_file_bytes)} limit (--max-file-size)"
        )
    return raw


def parse(raw: bytes, text: str, *, as_json: bool, limits: FileLimits) -> Any:
    """The document in the file: JSON first when ``as_json`` (vcrpy's JSON serializer), else YAML."""
    # An upper bound on what Python's JSON parser would make: every value but the first follows a
    # comma or opens a container (commas inside strings only make it larger).
    if as_json and text.count(",") + text.count("[") + text.count("{") < limits.max_values:
        try:
            return json.loads(text)
        except RecursionError:
            raise DocumentError(f"the document is nested deeper than {limits.max_depth} levels") from None
        except ValueError:
            pass  # a YAML file may be named .json too
    return _Builder(limits).build(raw)


@dataclass
class _Frame:
    container: dict[Any, Any] | list[Any]
    anchor: str | None
    start: int  # values counted when it opened: its own weight is what was counted since
    key: Any = None
    has_key: bool = False
    merges: list[Any] = field(default_factory=list)
    counted: int | None = None  # a list of interactions: its items are capped


class _Builder:
    def __init__(self, limits: FileLimits) -> None:
        self._limits = limits
        self._resolver = yaml.resolver.Resolver()
        self._constructor = yaml.constructor.SafeConstructor()
        self._stack: list[_Frame] = []
        self._anchors: dict[str, tuple[Any, int]] = {}  # value and weight (values it stands for)
        self._values = 0
        self._aliased = False
        self._root: Any = None
        self._documents = 0

    def build(self, raw: bytes) -> Any:
        try:
            for event in yaml.parse(raw, Loader=_LOADER):
                self._event(event)
        except yaml.YAMLError as exc:
            if "nesting depth" in str(getattr(exc, "problem", "")):  # libyaml's own cap (1000) came first
                raise DocumentError(
                    f"the document is nested deeper than {self._limits.max_depth} levels"
                ) from None
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or type(exc).__name__
            raise DocumentError(f"not YAML: {problem}{where}") from None
        return self._root

    def _event(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.DocumentStartEvent):
            self._documents += 1
            if self._documents > 1:
                raise DocumentError("not YAML: expected a single document, the file holds several")
        elif isinstance(event, yaml.ScalarEvent):
            self._count(1)
            value = self._scalar(event)
            self._remember(event.anchor, value, 1)
            self._add(value)
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            self._open(event)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            self._close()
        elif isinstance(event, yaml.AliasEvent) and event.anchor is not None:
            self._alias(event.anchor)

    def _count(self, weight: int) -> None:
        self._values += weight
        if self._values > self._limits.max_values:
            expanded = " once its aliases are expanded" if self._aliased else ""
            raise DocumentError(f"the document holds more than {self._limits.max_values:,} values{expanded}")

    def _scalar(self, event: yaml.ScalarEvent) -> Any:
        tag = event.tag
        if tag in (None, "!"):
            tag = self._resolver.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
        elif tag == "!binary":  # Ruby's YAML writes a body that is not UTF-8 (a compressed one) so
            tag = _BINARY
        if tag == _MERGE_TAG:
            return _MERGE
        if tag not in _SAFE_SCALARS:
            return event.value  # any other tag is read as the plain text it tags
        try:
            return self._constructor.yaml_constructors[tag](
                self._constructor, yaml.ScalarNode(tag, event.value)
            )
        except (ValueError, yaml.YAMLError):
            return event.value  # not what its tag says (a 5000-digit int, bad base64): its text

    def _open(self, event: yaml.SequenceStartEvent | yaml.MappingStartEvent) -> None:
        if len(self._stack) >= self._limits.max_depth:
            raise DocumentError(f"the document is nested deeper than {self._limits.max_depth} levels")
        self._count(1)
        container: dict[Any, Any] | list[Any] = [] if isinstance(event, yaml.SequenceStartEvent) else {}
        frame = _Frame(container, event.anchor, self._values - 1)
        if isinstance(container, list) and len(self._stack) == 1:
            parent = self._stack[0]
            if parent.has_key and parent.key in CASSETTE_KEYS:
                frame.counted = 0
        self._stack.append(frame)

    def _close(self) -> None:
        frame = self._stack.pop()
        if isinstance(frame.container, dict):
            for merged in frame.merges:
                for key, value in merged.items() if isinstance(merged, dict) else ():
                    frame.container.setdefault(key, value)
        self._remember(frame.anchor, frame.container, self._values - frame.start)
        self._add(frame.container)

    def _alias(self, anchor: str) -> None:
        if anchor not in self._anchors:
            if any(frame.anchor == anchor for frame in self._stack):
                raise DocumentError("the document refers to itself (an alias inside the node it names)")
            raise DocumentError(f"not YAML: the alias *{anchor} names no anchor before it")
        value, weight = self._anchors[anchor]
        self._aliased = True
        self._count(weight)
        self._add(value)

    def _remember(self, anchor: str | None, value: Any, weight: int) -> None:
        if anchor is not None:
            self._anchors[anchor] = (value, weight)

    def _add(self, value: Any) -> None:
        if not self._stack:
            self._root = value
            return
        frame = self._stack[-1]
        if isinstance(frame.container, list):
            if frame.counted is not None:
                frame.counted += 1
                if frame.counted > self._limits.max_interactions:
                    limit = f"{self._limits.max_interactions:,}"
                    raise DocumentError(f"the file holds more than {limit} interactions (--max-interactions)")
            frame.container.append(value)
        elif not frame.has_key:
            if isinstance(value, (dict, list)):
                raise DocumentError("not YAML this suite reads: a mapping key is itself a list or a mapping")
            frame.key, frame.has_key = value, True
        else:
            if frame.key is _MERGE:
                frame.merges.extend(value if isinstance(value, list) else [value])
            else:
                frame.container[frame.key] = value
            frame.has_key = False
