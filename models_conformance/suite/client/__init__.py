"""The client conformance suite.

``pytest --pyargs models_conformance.suite.client --conformance-client-python anthropic`` (or
``--conformance-client-connector CMD``).

Every test names the CLI-* requirement it judges with ``@pytest.mark.requirement(ID)``; the client
comes from the ``conformance_client`` fixture (a connector, ``--python``, or your own override).
"""
