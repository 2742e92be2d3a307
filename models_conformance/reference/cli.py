"""``models-conformance mock``: the reference server as a drop-in mock on the command line."""

from __future__ import annotations

import argparse
import errno
import signal
import sys
import threading
from types import FrameType
from typing import TYPE_CHECKING

from .keys import MOCK_KEY, accepted_keys

if TYPE_CHECKING:
    from .app import ASGIApp


__all__ = ["PROG", "add_arguments", "run"]

PROG = "models-conformance mock"
DEFAULT_PORT = 4010  # where the official SDKs' own tests look for a mock (TEST_API_BASE_URL)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default=None,
        help="address to listen on (default 127.0.0.1; anything but loopback must be given explicitly)",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any free port)"
    )
    parser.add_argument(
        "--catalog", metavar="FILE", help="JSON catalog of models to serve (default: the built-in one)"
    )
    parser.add_argument(
        "--api-key",
        action="append",
        default=None,
        metavar="KEY",
        help=f"accept only this key (repeat for several; default: {MOCK_KEY} and $ANTHROPIC_API_KEY if set)",
    )
    parser.add_argument(
        "--permissive",
        action="store_true",
        help="answer 200 with a made-up model for ids the catalog lacks, instead of 404",
    )
    parser.add_argument(
        "--replay",
        nargs="+",
        metavar="PATH",
        help="serve the responses recorded in these cassettes (files or folders; vcrpy, Ruby VCR, R vcr), "
        "matched on method and path, instead of the catalog",
    )
    from ..cassettes.options import add_file_limit_options

    add_file_limit_options(parser)


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM (exit 0); 2 on a bad catalog or an address that cannot be bound."""
    from .app import create_app
    from .catalog import CatalogError, default_catalog, load_catalog
    from .server import is_loopback, serve

    host: str = args.host or "127.0.0.1"
    try:
        catalog = load_catalog(args.catalog) if args.catalog else default_catalog()
    except CatalogError as error:
        return _fail(str(error))
    if not is_loopback(host):
        # Explicitly asked for with --host: allowed, but said out loud, since a mock accepts any key.
        print(f"{PROG}: warning: listening on {host}, which is not a loopback address", file=sys.stderr)
    app: ASGIApp
    if args.replay:
        from ..cassettes.options import file_limits
        from ..cassettes.replay import ReplayError, create_replay_app

        try:
            replay = create_replay_app(args.replay, file_limits(args))
        except ReplayError as error:
            return _fail(str(error))
        for line in replay.contradictions:  # served all the same: the user may want exactly that
            print(f"{PROG}: warning: {line}", file=sys.stderr)
        app = replay
    else:
        app = create_app(catalog, api_keys=accepted_keys(args.api_key), permissive=args.permissive)

    def ready(url: str) -> None:
        print(f"listening on {url}", flush=True)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        serve(host, args.port, app, ready)
    except KeyboardInterrupt:
        return 0
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            return _fail(
                f"port {args.port} on {host} is already in use; choose another with --port (0: any free port)"
            )
        return _fail(f"cannot listen on {host} port {args.port}: {error.strerror or error}")
    return 0


def _interrupt(signum: int, frame: FrameType | None) -> None:
    # uvicorn re-raises SIGTERM after its graceful shutdown; ending like Ctrl-C makes that exit 0, quietly.
    raise KeyboardInterrupt


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2
