"""The connector protocol's validation, and the scenario's HTTP dates."""

from __future__ import annotations

import email.utils
import time
from typing import Any

import pytest

from models_conformance.client.protocol import HarnessError, parse_answer, parse_hello
from models_conformance.client.script import http_date_ahead


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ({"ok": "yes"}, "ok must be true or false"),
        ({"ok": True}, 'must carry "model"'),
        ({"ok": False, "error": {"kind": "boom"}}, "error.kind must be one of"),
        ({"ok": False, "error": {"kind": "status", "status": "404"}}, "error.status must be an integer"),
        ([], "must be an object"),
    ],
)
def test_an_answer_that_breaks_the_protocol_is_a_harness_error(answer: Any, says: str) -> None:
    with pytest.raises(HarnessError, match=says):
        parse_answer(answer)


def test_a_hello_from_another_protocol_version_is_refused() -> None:
    with pytest.raises(HarnessError, match="speaks protocol 2"):
        parse_hello({"ok": True, "name": "x", "version": "1", "protocol": 2})
    assert parse_hello({"ok": True, "name": "x", "version": "1"}) == ("x", "1")


def test_an_http_date_ahead_names_a_whole_second_at_least_that_far_ahead() -> None:
    before = time.time()
    value, instant = http_date_ahead(1.0)
    assert instant == int(instant) and before + 1.0 <= instant < time.time() + 2.0
    assert email.utils.parsedate_to_datetime(value).timestamp() == instant and value.endswith(" GMT")
