"""Client conformance: judge any SDK or client, in any language, against the contract.

A client is driven either through a connector process (any language; :mod:`.protocol` describes
the JSON-lines protocol) or in this process (:class:`.inprocess.Client`: the official ``anthropic`` SDK or a
user's own). :func:`.run.run_client` plays the scenario's calls on a scripted server and returns a
transcript of what the client sent and answered; :func:`models_conformance.judge.judge` judges it.

Nothing is imported here: the judge reads the protocol's types without loading the runner.
"""
