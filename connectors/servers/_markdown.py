"""Rendering one failure of a report as Markdown, with the run's URLs turned into the document's."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from _judgments import NOT_JUDGED, VERDICTS

MAX_VALUE = 160  # characters of an expected or received value shown in the document
MAX_FINDINGS = 3  # distinct findings shown per failure


class Canonical:
    """Rewrites the run's origin (its free port) into the document's."""

    def __init__(self, actual: str | None, documented: str) -> None:
        self.actual = actual
        self.documented = documented

    def __call__(self, text: str) -> str:
        if not self.actual:
            return text
        parts, doc_parts = urlsplit(self.actual), urlsplit(self.documented)
        return text.replace(f"{parts.scheme}://{parts.netloc}", f"{doc_parts.scheme}://{doc_parts.netloc}")


def tool_version(report: dict[str, Any] | None) -> str:
    return str((report or {}).get("tool", {}).get("version", "?"))


def shell_key(key: str) -> str:
    return f'"{key}"' if key.startswith("$") else key


def short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text.replace("\n", "\\n")
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE] + f"… ({len(text)} characters)"


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def code(text: str) -> str:
    ticks = "``" if "`" in text else "`"
    return f"{ticks}{text}{ticks}" if ticks == "`" else f"`` {text} ``"


def failure(result: dict[str, Any], entry: dict[str, str] | None, canonical: Canonical) -> list[str]:
    verdict = VERDICTS[entry["verdict"]] if entry else NOT_JUDGED
    lines = [f"### {result['id']} ({result['level']}): {verdict}", "", f"> {result['statement']}", ""]
    if entry:
        lines += [f"**Judgment ({verdict}):** {' '.join(entry['reason'].split())}", ""]
    else:
        lines += [
            f"**{NOT_JUDGED}:** add `{result['id']}` under this target in connectors/servers/judgments.yaml.",
            "",
        ]
    lines += [f"The suite: {canonical(result['message'])}", ""]
    seen: set[tuple[str, str, str]] = set()
    for finding in result.get("findings", []):
        key = (str(finding.get("path")), short(finding.get("received")), str(finding.get("status")))
        if key in seen:
            continue
        seen.add(key)
        if len(seen) > MAX_FINDINGS:
            break
        # A finding stands for every exchange of its shape that showed the same problem.
        count = finding.get("count", 1)
        seen_in = str(finding.get("seen_in"))
        seen_in = seen_in if len(seen_in) <= 240 else seen_in[:240] + "…"  # the JSON report has it all
        repeated = f"; seen {count} times ({seen_in})" if count > 1 else ""
        lines.append(
            f"- at {code(str(finding.get('path')))}: "
            f"expected {code(canonical(short(finding.get('expected'))))}, "
            f"received {code(canonical(short(finding.get('received'))))} "
            f"(HTTP {finding.get('status')}{repeated})"
        )
    if seen:
        lines.append("")
    if result.get("reproduction"):
        lines += ["```sh", canonical(result["reproduction"]), "```", ""]
    return lines
