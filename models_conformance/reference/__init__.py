"""The reference server: the suite's embedded default target and a drop-in mock of GET /v1/models/{id}.

``app.create_app`` builds the ASGI app; ``server.ReferenceServer`` runs it on loopback in a thread;
``server.spawn`` runs it in a subprocess; ``models-conformance mock`` (or ``python -m
models_conformance.reference``) from a shell. Nothing is imported here, so that a module that only needs
the mock's key does not load the HTTP server.
"""
