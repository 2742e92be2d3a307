"""Reports as runs produce them, built from the judge's verdicts, for the report renderers' tests."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from models_conformance import registry
from models_conformance.exchange import Exchange, Probe, Request, Response
from models_conformance.findings import Finding
from models_conformance.judge import Judgement
from models_conformance.verdicts import Verdicts

HOSTILE = "<script>alert(1)</script>"
HOSTILE_MESSAGE = "the body says <img src=x onerror=alert(2)> | and `more` &amp; *this*\nsecond line"
BASE = "http://127.0.0.1:4010"
SERVER_REQUIREMENTS = len(list(registry.requirements("server")))
TYPE_JUDGED = 29  # SRV-200-TYPE's count; every other requirement judged is judged on 3
TYPE_SHAPE = "a model, answered 200"
TYPE_SEEN_IN = "listed model (2); declared alias (1)"
TARGET = {
    "base_url": BASE,
    "reference_server": False,
    "models": ["claude-opus-4-6", "claude-sonnet-4-6"],
    "aliases": ["claude-opus"],
    "alias_guesses": ["claude-sonnet"],
    "discovered_from": "discovered with GET /v1/models",
    "credential_form": "x-api-key",
}
DESCRIPTION = (
    f"the target {BASE}, contract 2023-06-01, 2 model(s) (discovered with GET /v1/models), 1 alias(es)"
)


def exchange(method: str = "GET", model_id: str = "claude-opus-4-6", probe: str = "") -> Exchange:
    request = Request.make(
        method, BASE, f"/v1/models/{model_id}", {"anthropic-version": "2023-06-01", "x-api-key": "sk-x"}
    )
    response = Response.make(200, {"content-type": "application/json"}, HOSTILE.encode())
    return Exchange(request, response, probe=Probe(shape=probe))


def server_report(**context: Any) -> dict[str, Any]:
    """A report exactly as a server run produces it: one MUST failure with a hostile received value
    seen in three exchanges of two kinds of probe (one group), one SHOULD failure of three groups
    (one with a hostile message), a skip for want of an alias, a skip for another contract, passes."""
    judgement = Judgement()
    judgement.findings = [
        Finding(
            "SRV-200-TYPE", '`type` is not "model"', "$.type", "model", HOSTILE, exchange(model_id=m, probe=p)
        )
        for m, p in (
            ("claude-sonnet-4-6", "listed model"),
            ("claude-opus-4-6", "listed model"),
            ("claude-opus", "declared alias"),
        )
    ]
    judgement.findings += [
        Finding(
            "SRV-METHOD",
            "another method than GET on a model did not get a 4xx",
            "status",
            "a 4xx",
            200,
            exchange(m, probe=m),
        )
        for m in ("POST", "PUT")
    ]
    judgement.findings.append(
        Finding("SRV-METHOD", HOSTILE_MESSAGE, "status", "a 4xx", 200, exchange("PATCH", probe="PATCH"))
    )
    for requirement in registry.requirements("server"):
        if requirement.id not in ("SRV-ALIAS", "SRV-LIFECYCLE"):
            judgement.judged[requirement.id] = 3
    judgement.judged["SRV-200-TYPE"] = TYPE_JUDGED
    verdicts = Verdicts(
        judgement,
        role="server",
        contract="2023-06-01",
        hints={"SRV-ALIAS": "no alias is known for this target"},
    )
    run = {
        "contract": "2023-06-01",
        "target": TARGET,
        "description": DESCRIPTION,
        "seed": 42,
        "profile": "default",
        "requests_sent": 7,
        "max_requests": None,
        "throttling": {"answers": 0, "waited_s": 0.0},
    }
    return verdicts.report(**{**run, **context})


def result_of(report: dict[str, Any], requirement_id: str) -> dict[str, Any]:
    return next(r for r in report["results"] if r["id"] == requirement_id)


def reproduction_of(report: dict[str, Any], requirement_id: str) -> str:
    return str(result_of(report, requirement_id)["reproduction"])


def every_outcome_report() -> dict[str, Any]:
    """A report with the outcomes of a baseline run, one nobody knows yet, throttling, and fields
    added later."""
    report = server_report(throttling={"answers": 2, "waited_s": 1.5})
    baseline = {"id": "SRV-IDEMPOTENT", "reason": "cache layer, INFRA-12", "expires": "2027-01-31"}
    result_of(report, "SRV-IDEMPOTENT").update(outcome="expected-failure", baseline=baseline)
    result_of(report, "SRV-REQUEST-ID")["outcome"] = "flaky"
    return report


def client_report() -> dict[str, Any]:
    """A client run's report whose one failure was seen in a call, with no exchange to show."""
    judgement = Judgement()
    judgement.findings = [
        Finding("CLI-VERSION", "no anthropic-version header was sent", "headers", location="call 3")
    ]
    judgement.judged["CLI-VERSION"] = 5
    verdicts = Verdicts(judgement, role="client", contract="2023-06-01")
    return verdicts.report(target={"name": "my-sdk"}, seed=7)


class Page(HTMLParser):
    """What an HTML page is made of: its tags with their attributes, and its text by element."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.text: list[tuple[tuple[str, ...], str]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "input", "br"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.text.append((tuple(self.stack), data))

    def data_in(self, *tags: str) -> list[str]:
        """The text directly inside elements nested as ``tags`` (innermost last)."""
        return [data for stack, data in self.text if stack[-len(tags) :] == tags]
