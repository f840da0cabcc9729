"""Sentry's envelope format (what SDKs POST to ``/api/<project_id>/envelope/``), decoded as Relay does.

An envelope is a JSON header line, then items: a JSON item header line and a payload, which is
``length`` bytes when the header gives a length, otherwise the rest of the line. SDKs compress
the body (sentry-python gzips by default, or brotli when installed).
"""

from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from vigil.sandbox.sentry.errors import BadEnvelope

EVENT_ITEMS = ("event", "transaction", "check_in", "feedback")


@dataclass
class Envelope:
    header: dict[str, Any]
    items: list[tuple[dict[str, Any], bytes]] = field(default_factory=list)

    def events(self) -> list[tuple[str, dict[str, Any]]]:
        """The items stored as events: (item type, JSON payload)."""
        found = []
        for header, payload in self.items:
            kind = str(header.get("type"))
            if kind in EVENT_ITEMS:
                try:
                    document = json.loads(payload)
                except ValueError:
                    raise BadEnvelope(f"invalid {kind} item: not JSON") from None
                found.append((kind, document if isinstance(document, dict) else {"value": document}))
        return found


def decompress(body: bytes, encoding: str | None) -> bytes:
    encoding = (encoding or "").strip().lower()
    try:
        if encoding in ("gzip", "x-gzip"):
            return gzip.decompress(body)
        if encoding == "deflate":
            return zlib.decompress(body)
        if encoding == "br":
            import brotli  # type: ignore[import-not-found]  # only present if the SDK could use it

            return bytes(brotli.decompress(body))
    except (OSError, zlib.error, ImportError) as error:
        raise BadEnvelope(f"cannot decode {encoding} body: {error}") from None
    return body


def parse(body: bytes) -> Envelope:
    header_line, _, rest = body.partition(b"\n")
    try:
        envelope = Envelope(json.loads(header_line or b"{}"))
    except ValueError:
        raise BadEnvelope("invalid envelope header") from None
    for _ in range(10_000):  # bounded: no envelope has more items than that
        if not rest.strip():
            break
        item_line, _, rest = rest.partition(b"\n")
        if not item_line.strip():
            continue
        try:
            item_header = json.loads(item_line)
        except ValueError:
            raise BadEnvelope("invalid item header") from None
        length = item_header.get("length")
        if isinstance(length, int):
            payload, rest = rest[:length], rest[length:]
            if len(payload) < length:
                raise BadEnvelope("item payload shorter than its length")
            rest = rest[1:] if rest.startswith(b"\n") else rest
        else:
            payload, _, rest = rest.partition(b"\n")
        envelope.items.append((item_header, payload))
    return envelope
