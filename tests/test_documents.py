"""Recording files read into plain data: what YAML writers really emit still reads, the rest is bounded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from models_conformance.cassettes.documents import DocumentError, FileLimits, parse, read_file

LIMITS = FileLimits()


def yaml(text: str, limits: FileLimits = LIMITS) -> object:
    return parse(text.encode(), text, as_json=False, limits=limits)


def test_anchors_and_aliases_as_vcrpy_writes_them_are_shared_data() -> None:
    document = yaml("a: &id001\n- x\n- y\nb: *id001\nc: {<<: {k: 1, j: 2}, j: 3}\n")
    assert document == {"a": ["x", "y"], "b": ["x", "y"], "c": {"j": 3, "k": 1}}


def test_scalars_resolve_as_yaml_says_and_tags_construct_nothing() -> None:
    document = yaml(
        "n: 12\nf: 1.5\nb: true\nz: null\nd: 2025-04-01 10:00:00\nq: '12'\nbin: !binary aGk=\n"
        "ruby: !ruby/object:Net::HTTPOK {code: '200'}\npy: !!python/object/apply:os.system ['true']\n"
        "huge: " + "9" * 5000 + "\n"
    )
    assert document == {
        "n": 12,
        "f": 1.5,
        "b": True,
        "z": None,
        "d": dt.datetime(2025, 4, 1, 10, 0),
        "q": "12",
        "bin": b"hi",
        "ruby": {"code": "200"},
        "py": ["true"],
        "huge": "9" * 5000,  # past Python's 4300 digits: its text
    }


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a: &a [*a]\n", "the document refers to itself"),
        ("a: *nowhere\n", "not YAML: the alias *nowhere names no anchor before it"),
        ("a: 1\n---\nb: 2\n", "not YAML: expected a single document"),
        ("? [a]\n: 1\n", "not YAML this suite reads: a mapping key is itself a list or a mapping"),
        ("a: [" * 101 + "]" * 101, "the document is nested deeper than 100 levels"),
        ("a: 'unterminated\n", "not YAML: found unexpected end of stream at line 2 column 1"),
    ],
)
def test_documents_no_reader_should_take_are_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(DocumentError, match="^" + reason.replace("[", r"\[").replace("*", r"\*")):
        yaml(text)


def test_values_and_interactions_are_counted_while_they_are_read() -> None:
    limits = FileLimits(max_values=100, max_interactions=3)
    assert yaml("x: [" + "1, " * 96 + "1]\n", limits)  # 100 values: the mapping, a key, a list, 97 items
    with pytest.raises(DocumentError, match=r"more than 100 values$"):
        yaml("x: [" + "1, " * 97 + "1]\n", limits)
    with pytest.raises(DocumentError, match="more than 100 values once its aliases are expanded"):
        yaml("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n", limits)
    assert yaml("interactions: [1, 2, 3]\nother: [1, 2, 3, 4]\n", limits)
    with pytest.raises(DocumentError, match="more than 3 interactions"):
        yaml("http_interactions: [1, 2, 3, 4]\n", limits)


def test_json_goes_through_pythons_parser_only_when_it_cannot_make_too_many_values() -> None:
    text = '{"interactions": [], "f": 1.5e3}'
    assert parse(text.encode(), text, as_json=True, limits=LIMITS) == {"interactions": [], "f": 1500.0}
    many = "[" + ", ".join(["[]"] * 200) + "]"
    with pytest.raises(DocumentError, match="more than 150 values"):
        parse(many.encode(), many, as_json=True, limits=FileLimits(max_values=150))


def test_a_file_past_the_size_limit_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * 2000)
    assert read_file(path, FileLimits(max_file_bytes=2000)) == b"#" * 2000
    with pytest.raises(DocumentError, match=r"^the file is 2,000 bytes, over the 1,999 bytes limit"):
        read_file(path, FileLimits(max_file_bytes=1999))
    with pytest.raises(DocumentError, match=r"^cannot read the file: No such file or directory"):
        read_file(tmp_path / "missing.yaml", LIMITS)
