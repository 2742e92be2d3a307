"""The reference server: the suite's embedded default target and a drop-in mock of GET /v1/models/{id}.

``create_app`` builds the ASGI app; ``ReferenceServer`` runs it on loopback in a thread; ``spawn`` runs
it in a subprocess; ``models-conformance mock`` (or ``python -m models_conformance.reference``) from a shell.
"""

from .app import create_app
from .catalog import Catalog, CatalogError, default_catalog, load_catalog
from .server import ReferenceServer, SpawnedServer, serve, spawn

__all__ = [
    "Catalog",
    "CatalogError",
    "ReferenceServer",
    "SpawnedServer",
    "create_app",
    "default_catalog",
    "load_catalog",
    "serve",
    "spawn",
]
