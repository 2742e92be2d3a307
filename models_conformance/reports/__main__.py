"""``python -m models_conformance.reports REPORT.json [--html PATH] [--markdown PATH] [--junit PATH]``.

Converts an existing JSON report; with no option the Markdown summary goes to standard output.
``-`` as a PATH means standard output too.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from . import render_html, render_junit, render_markdown


def _load(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SystemExit(f"cannot read the report {path!r}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise SystemExit(f"{path!r} is not JSON ({exc}); give a file written by --report-json") from None
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise SystemExit(
            f"{path!r} is not a conformance JSON report: expected an object with a 'results' list "
            "(a file written by --report-json)"
        )
    return data


def _write(path: str, text: str) -> None:
    if path == "-":
        sys.stdout.write(text)
        return
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise SystemExit(f"cannot write {path!r}: {exc.strerror or exc}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m models_conformance.reports",
        description="Render a JSON conformance report as HTML, Markdown and/or JUnit XML.",
    )
    parser.add_argument("report", metavar="REPORT.json", help="a report written by --report-json")
    parser.add_argument("--html", metavar="PATH", help="write the self-contained HTML report here")
    parser.add_argument("--markdown", metavar="PATH", help="write the Markdown summary here")
    parser.add_argument(
        "--junit", metavar="PATH", help="write JUnit XML here (one test case per requirement)"
    )
    args = parser.parse_args(argv)
    try:
        report = _load(args.report)
        if args.html:
            _write(args.html, render_html(report))
        if args.junit:
            _write(args.junit, render_junit(report))
        if args.markdown or not (args.html or args.junit):
            _write(args.markdown or "-", render_markdown(report))
    except SystemExit as exc:
        print(f"error: {exc.code}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
