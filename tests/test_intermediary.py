"""An intermediary's answer is told apart from the target's own, and judged only where it can show a rule."""

from __future__ import annotations

import pytest

from models_conformance.exchange import Exchange, Probe, Request, Response
from models_conformance.intermediary import intermediary
from models_conformance.judge import judge
from models_conformance.transcript import Transcript

HTML = b"<html><head><title>414 Request-URI Too Large</title></head><body>cloudflare</body></html>"
EDGE = {"server": "cloudflare", "cf-ray": "8f0c2a1b3c4d5e6f-IAD", "content-type": "text/html"}


def answer(status: int, headers: dict[str, str], body: bytes) -> Response:
    return Response.make(status, headers, body)


@pytest.mark.parametrize(
    ("status", "headers", "body"),
    [
        pytest.param(414, EDGE, HTML, id="cloudflare 414 page"),
        pytest.param(502, {**EDGE, "server": "nginx/1.25.3"}, HTML, id="nginx 502 page"),
        pytest.param(
            503, {"server": "envoy", "content-type": "text/plain"}, b"upstream connect error", id="envoy"
        ),
        pytest.param(504, {"via": "1.1 varnish", "content-type": "text/plain"}, b"timeout", id="via header"),
        pytest.param(431, {"x-amz-cf-id": "abc==", "content-type": "text/html"}, HTML, id="cloudfront 431"),
        pytest.param(413, {"server": "awselb/2.0"}, b"", id="load balancer, empty body"),
        pytest.param(522, EDGE, b"<html>Connection timed out | cloudflare</html>", id="cloudflare 522"),
        pytest.param(
            403,
            EDGE,
            b"<html><title>Attention Required! | Cloudflare</title>Cloudflare Ray ID: 8f0c</html>",
            id="a WAF block page, signed by the edge",
        ),
    ],
)
def test_an_edge_s_own_page_is_an_intermediary_answer(
    status: int, headers: dict[str, str], body: bytes
) -> None:
    found = intermediary(answer(status, headers, body))
    assert found is not None and found.status == status and found.marks


@pytest.mark.parametrize(
    ("status", "headers", "body"),
    [
        pytest.param(
            414,
            EDGE | {"content-type": "application/json"},
            b'{"type":"error","error":{"type":"invalid_request_error","message":"too long"}}',
            id="a JSON body is the API's own, whatever passed it on",
        ),
        pytest.param(414, {"content-type": "text/html"}, HTML, id="no intermediary's mark"),
        pytest.param(
            502, {"server": "uvicorn", "content-type": "text/plain"}, b"Bad Gateway", id="an app server"
        ),
        pytest.param(500, EDGE, b"<html>Internal Server Error</html>", id="an unsigned 500 page"),
        pytest.param(404, EDGE, b"<html>Not Found</html>", id="an unsigned 404 page behind the edge"),
        pytest.param(403, {"content-type": "text/html"}, HTML, id="a signed page with no proxy's mark"),
    ],
)
def test_the_target_s_own_answers_are_not_taken_for_an_intermediary_s(
    status: int, headers: dict[str, str], body: bytes
) -> None:
    assert intermediary(answer(status, headers, body)) is None


def exchange_of(response: Response, superseded: tuple[Response, ...] = ()) -> Exchange:
    request = Request.make(
        "GET", "http://127.0.0.1:1", "/v1/models/" + "a" * 9000, {"anthropic-version": "2023-06-01"}
    )
    return Exchange(request, response, probe=Probe(intent="nothing", key="valid"), superseded=superseded)


def _judged(exchange: Exchange) -> tuple[list[str], dict[str, int], list[dict[str, object]]]:
    judgement = judge(Transcript("server", "2023-06-01", [exchange]))
    judged = {rid: count for rid, count in judgement.judged.items() if count}
    return sorted({f.requirement_id for f in judgement.findings}), judged, judgement.notes


def test_an_intermediary_answer_is_a_note_not_an_envelope_failure() -> None:
    findings, judged, notes = _judged(exchange_of(answer(414, EDGE, HTML)))
    assert findings == []
    assert "SRV-ERROR-ENVELOPE" not in judged and "SRV-200-CONTENT-TYPE" not in judged
    # The API never saw the request: only the rules about any answer to a GET of a model judge it.
    assert judged == {"SRV-NO-5XX": 1, "SRV-LONG-ID": 1}
    (note,) = notes
    assert note["kind"] == "intermediary" and note["status"] == 414
    assert "server: cloudflare" in note["marks"] and str(note["reproduction"]).startswith("curl ")


def test_an_intermediary_5xx_still_fails_srv_no_5xx() -> None:
    findings, _, notes = _judged(exchange_of(answer(502, EDGE, HTML)))
    assert findings == ["SRV-NO-5XX"]
    assert "SRV-NO-5XX judges its status" in str(notes[0]["message"])


def test_a_retried_intermediary_answer_is_noted_and_the_answer_after_it_judged() -> None:
    broken_json_404 = answer(404, {"content-type": "text/plain", "request-id": "req_1"}, b"{}")
    findings, _, notes = _judged(exchange_of(broken_json_404, superseded=(answer(502, EDGE, HTML),)))
    assert set(findings) == {"SRV-200-CONTENT-TYPE", "SRV-ERROR-ENVELOPE"}
    assert notes[0]["superseded"] is True and "retried" in str(notes[0]["message"])
