"""The limits the suite keeps on everything it reads from software it does not control.

Each is a setting with a default; a target or a file that crosses one gets a precise failure or is
refused with the reason, never a crash or a hang. The documentation lists them (docs/bounds.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from .sizes import KIB, MIB

__all__ = ["MAX_HEADER_BYTES_CEILING", "FileLimits", "Limits"]

# httpcore's parser (h11) refuses a head past 100 KiB on its own; a limit above it would never be reached.
MAX_HEADER_BYTES_CEILING = 100 * KIB


@dataclass(frozen=True)
class Limits:
    """What the suite reads from one request's answer, at most."""

    # The whole exchange, redirects included: connect, send, status line and headers, body.
    timeout_s: float = 10.0
    # Decoded bytes: real answers are under 20 KB; a list page of 1000 models stays under 2 MB.
    max_body_bytes: int = 4 * MIB
    # Status line and headers together: real ones are about 2 KB (at most MAX_HEADER_BYTES_CEILING).
    max_header_bytes: int = 64 * KIB
    # http.client's own limit; a real answer carries about 25, a CDN in front adds about 10.
    max_headers: int = 100
    # Same-origin redirects followed, as the SDKs follow them; the real API sends none.
    max_redirects: int = 5

    @property
    def max_wire_bytes(self) -> int:
        # Everything one request may read: a body compressed badly (random data) or chunked grows a little.
        return self.max_header_bytes + 2 * self.max_body_bytes


@dataclass(frozen=True)
class FileLimits:
    """What one recording file may hold, at most."""

    # Real cassettes weigh KB to a few MB; read, a file takes up to ~20 times its size in memory.
    max_file_bytes: int = 16 * MIB
    # Real ones hold tens to a few thousand; each is judged, so the time grows with them too.
    max_interactions: int = 10_000
    # Scalars, lists and mappings, aliases expanded: ~60 bytes each in memory, 100 or so per interaction.
    max_values: int = 1_000_000
    # A cassette is 6 levels deep; a body recorded as YAML rather than text adds its own JSON depth.
    max_depth: int = 100
    # Decoded, per body: as much as the suite reads from a server (transport.Limits.max_body_bytes).
    max_body_bytes: int = 4 * MIB
