"""The client suite: ``pytest --pyargs models_conformance.suite.client``."""
