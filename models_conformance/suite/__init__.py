"""The shipped suites as pytest tests: ``pytest --pyargs models_conformance.suite`` (servers) and
``pytest --pyargs models_conformance.suite.client`` (clients). One test per requirement; its outcome is
the judge's verdict."""
