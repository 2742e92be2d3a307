"""The README shows what the code does: its requirement table is the registry's."""

from __future__ import annotations

import re
from pathlib import Path

from models_conformance import registry
from models_conformance.cli import requirements_markdown

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"<!-- requirements:start[^>]*-->\n(.*?)<!-- requirements:end -->", re.DOTALL)


def test_the_readme_requirement_table_is_the_registry() -> None:
    match = BLOCK.search(README.read_text(encoding="utf-8"))
    assert match, "README.md lacks the requirements block"
    expected = requirements_markdown(list(registry.all_requirements())) + "\n"
    assert match.group(1) == expected, "regenerate with: models-conformance requirements --markdown"
