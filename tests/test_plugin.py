"""The pytest plugin driven from outside, as a user runs it."""

from __future__ import annotations

import json

import pytest

from models_conformance.reference.app import MOCK_KEY as REFERENCE_KEY


def test_the_suite_runs_as_a_plugin_against_a_given_url(
    pytester: pytest.Pytester, conformance_reference_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", REFERENCE_KEY)
    report = pytester.path / "reports" / "report.json"
    result = pytester.runpytest_subprocess(
        "--pyargs",
        "models_conformance.suite",
        "-p",
        "no:cacheprovider",
        f"--conformance-base-url={conformance_reference_server}",
        "--conformance-examples=10",
        "--conformance-seed=7",
        f"--conformance-report-json={report}",
        "-k",
        "404 or SCHEMA or ROUNDTRIP",
    )
    result.stdout.fnmatch_lines(["*conformance*", "SRV-404 *MUST *passed*", "*--conformance-seed 7*"])
    assert result.ret == 0
    data = json.loads(report.read_text())
    assert data["role"] == "server" and data["seed"] == 7
    outcomes = {r["id"]: r["outcome"] for r in data["results"]}
    # One run judges every requirement; -k chooses which verdicts are pytest items, not what is judged.
    assert outcomes["SRV-404"] == outcomes["SRV-METHOD"] == "passed"


def test_a_failed_requirement_is_a_failed_test_that_explains_itself(pytester: pytest.Pytester) -> None:
    from .broken_servers import FAULTS

    fault = next(f for f in FAULTS if f.breaks == "SRV-200-TYPE")
    from models_conformance.reference.app import create_app
    from models_conformance.reference.server import ReferenceServer

    with ReferenceServer(app=fault.wrap(create_app(api_keys=[REFERENCE_KEY]))) as server:
        result = pytester.runpytest_subprocess(
            "--pyargs", "models_conformance.suite", "-p", "no:cacheprovider", "--conformance-examples=5",
            f"--conformance-base-url={server.url}", f"--conformance-api-key={REFERENCE_KEY}",
        )  # fmt: skip
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*SRV-200-TYPE (MUST) violated*", "*reproduce: curl*"])
    assert "def test_requirement" not in result.stdout.str()  # the failure, not pytest's frames


def test_a_users_own_tests_print_nothing_of_the_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from models_conformance import assert_conformant

        def test_gateway(conformance_target):
            conformance_target.retrieve("claude-opus-4-6")
            assert_conformant(conformance_target.exchanges)
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    printed = "\n".join(line for line in result.stdout.lines if not line.startswith("plugins:"))
    assert "requirement" not in printed and "conformance" not in printed.lower(), printed


def test_settings_come_from_the_command_line_before_the_environment_before_the_ini(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini("[pytest]\nconformance_contract = 2026-10-21\nconformance_examples = 3\n")
    pytester.makepyfile(
        """
        def test_settings(conformance_settings):
            print("SETTINGS", conformance_settings.contract, conformance_settings.examples,
                  conformance_settings.seed, conformance_settings.sources["contract"])
        """
    )
    monkeypatch.setenv("CONFORMANCE_EXAMPLES", "9")
    result = pytester.runpytest_inprocess("-s", "--conformance-seed=11")
    result.stdout.fnmatch_lines(["*SETTINGS 2026-10-21 9 11 ini"])
    result = pytester.runpytest_inprocess(
        "-s", "--conformance-contract=2023-06-01", "--conformance-examples=4"
    )
    result.stdout.fnmatch_lines(["*SETTINGS 2023-06-01 4 * command line"])


def test_an_unknown_contract_is_a_usage_error_naming_the_allowed_ones(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x(conformance_settings):\n    pass\n")
    result = pytester.runpytest_inprocess("--conformance-contract=1999-01-01")
    assert result.ret == 2
    result.stdout.fnmatch_lines(
        ["*--conformance-contract must be one of 2023-06-01, 2026-10-21; got '1999-01-01'*"]
    )


def test_the_api_key_is_never_read_from_an_ini_file(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    pytester.makeini("[pytest]\nconformance_api_key = sk-ant-in-a-file\n")
    pytester.makepyfile(
        "def test_x(conformance_settings):\n    assert conformance_settings.api_key is None\n"
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--strict-config")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "Unknown config option: conformance_api_key" in result.stderr.str() + result.stdout.str()
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-W", "ignore::pytest.PytestConfigWarning"
    )
    result.assert_outcomes(passed=1)


def test_users_check_their_own_responses_with_the_helpers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        import httpx
        import pytest
        from models_conformance import ConformanceFailure, assert_model_response

        def test_mock_conforms(conformance_reference_server):
            response = httpx.get(
                conformance_reference_server + "/v1/models/claude-opus-4-6",
                headers={{"x-api-key": "{REFERENCE_KEY}", "anthropic-version": "2023-06-01"}},
            )
            assert_model_response(response.status_code, response.headers, response.content)

        def test_a_broken_body_names_the_requirement():
            with pytest.raises(ConformanceFailure, match="SRV-200-TYPE"):
                assert_model_response(200, {{"content-type": "application/json", "request-id": "r"}},
                                      {{"id": "m", "created_at": "2026-02-04T00:00:00Z",
                                        "display_name": "M", "type": "Model"}})
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
