"""The server conformance suite: ``pytest --pyargs models_conformance.suite``.

Every test names the requirement it judges with ``@pytest.mark.requirement(ID)``.
"""
