"""Pages of the documentation that are generated from the registry (kept in sync by a test)."""

from __future__ import annotations

from collections.abc import Sequence

from . import registry

__all__ = ["requirements_markdown"]

_ROLES = {"server": "Servers", "client": "Clients", "cassette": "Recordings"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def requirements_markdown(selected: Sequence[registry.Requirement] | None = None) -> str:
    """The requirements page: per role a table, then each requirement with what it is judged on,
    the exceptions the contract grants, and the public source of each."""
    chosen = list(selected if selected is not None else registry.all_requirements())
    lines = [
        "# Requirements",
        "",
        "<!-- made by `models-conformance requirements --markdown`; a test keeps it in sync -->",
        "",
        "Every verdict names one of these requirements. IDs are stable: never renamed, never reused.",
        "A MUST failure fails the run (exit 1); SHOULD and MAY failures are reported and never fail it.",
        "The registry is plain JSON (`models_conformance/data/requirements.json`, with its JSON Schema",
        "beside it): its",
        "`judged_on` says, in facts of an exchange, which exchanges each requirement is judged on.",
        "",
    ]
    for role, title in _ROLES.items():
        members = [r for r in chosen if r.role == role]
        if not members:
            continue
        lines += [f"## {title}", "", "| ID | level | requirement |", "|---|---|---|"]
        lines += [f"| [{r.id}](#{r.id.lower()}) | {r.level} | {_cell(r.statement)} |" for r in members]
        lines.append("")
        for r in members:
            contracts = " and ".join(r.contracts)
            lines += [
                f"### {r.id}",
                "",
                f"**{r.level}** · contract {contracts} · source: [{r.source}]({r.source_url})",
                "",
                r.statement,
                "",
                f"Judged on {r.judged_on.text}.",
                "",
            ]
            for allowance in r.exceptions:
                lines += [f"- Exception: {allowance.text} ([{allowance.source}]({allowance.url}))"]
            if r.exceptions:
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"
