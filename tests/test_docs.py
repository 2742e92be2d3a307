"""The README is a landing page and the docs say what the code does: the generated pages are in sync,
every link leads somewhere, and nothing points a user at what they do not have."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from models_conformance import registry
from models_conformance.docs import requirements_markdown

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
LINK = re.compile(r"\]\(([^)#\s]+)(#[^)\s]*)?\)")


def test_the_readme_is_a_landing_page() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 150
    assert "python3 -m pip install nox && python3 -m nox -s conformance" in text
    assert "python3 -m pip install nox && python3 -m nox -s tests" in text


def test_the_requirements_page_is_the_registry() -> None:
    page = (DOCS / "requirements.md").read_text(encoding="utf-8")
    assert page == requirements_markdown(list(registry.all_requirements())), (
        "regenerate with: models-conformance requirements --markdown > docs/requirements.md"
    )


@pytest.mark.parametrize("page", [README, *PAGES], ids=lambda p: p.name)
def test_every_relative_link_leads_to_a_file(page: Path) -> None:
    for target, _ in LINK.findall(page.read_text(encoding="utf-8")):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        assert (page.parent / target).exists(), f"{page.name} links to {target}, which does not exist"


@pytest.mark.parametrize("page", [README, *PAGES], ids=lambda p: p.name)
def test_the_docs_name_the_package_and_nothing_a_user_does_not_have(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"(?<![\w_])conformance\.[a-z]", text), "use models_conformance.*"
    assert "shared/" not in text and "FACTS.md" not in text
