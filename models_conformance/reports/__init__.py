"""Renderings of the JSON report: a self-contained HTML page, a Markdown summary, JUnit XML.

Each takes the report dict exactly as ``Verdicts.report()`` returns it (or as the ``--report-json``
file holds it), for server, client and cassette runs alike::

    from models_conformance.reports import render_html, render_junit, render_markdown

    Path("report.html").write_text(render_html(report), encoding="utf-8")
    Path(os.environ["GITHUB_STEP_SUMMARY"]).open("a").write(render_markdown(report))

``python -m models_conformance.reports REPORT.json --html out.html --markdown out.md --junit out.xml``
converts a JSON report.
"""

from __future__ import annotations

from .html import render_html
from .junit import render_junit
from .markdown import render_markdown

__all__ = ["render_html", "render_junit", "render_markdown"]
