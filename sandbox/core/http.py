"""The request and response objects every emulator handler sees."""

from __future__ import annotations

import email.policy
import json
from dataclasses import dataclass, field
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Request:
    """One HTTP request, already split into the parts handlers read."""

    method: str
    path: str  # path below the service prefix, e.g. "/monitors/12"
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    base_url: str  # the service base as a client sees it, e.g. http://127.0.0.1:8710/uptimerobot/v3

    @classmethod
    def build(
        cls, method: str, path: str, raw_query: str, headers: dict[str, str], body: bytes, base_url: str
    ) -> Request:
        return cls(
            method.upper(),
            path,
            parse_qs(raw_query, keep_blank_values=True),
            {k.lower(): v for k, v in headers.items()},
            body,
            base_url,
        )

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def args(self, name: str) -> list[str]:
        return list(self.query.get(name, [])) + list(self.query.get(name + "[]", []))

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def bearer_token(self) -> str | None:
        auth = self.header("authorization") or ""
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return token.strip()

    def json(self) -> Any:
        """The JSON body; raises ValueError when it is not JSON (each service maps that to its 400)."""
        if not self.body:
            return None
        return json.loads(self.body.decode("utf-8"))

    def form(self) -> dict[str, str]:
        parsed = parse_qs(self.body.decode("utf-8"), keep_blank_values=True)
        return {k: v[-1] for k, v in parsed.items()}


@dataclass
class Response:
    """What a handler returns: a status, a body (dict/list → JSON, str → text) and headers."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> tuple[bytes, str]:
        if self.body is None:
            return b"", ""
        if isinstance(self.body, (bytes, bytearray)):
            return bytes(self.body), self.headers.get("Content-Type", "application/octet-stream")
        if isinstance(self.body, str):
            return self.body.encode("utf-8"), self.headers.get("Content-Type", "text/plain; charset=utf-8")
        return json.dumps(self.body).encode("utf-8"), "application/json; charset=utf-8"


@dataclass(frozen=True)
class FormPart:
    """One part of a multipart/form-data body: a field, or a file when it has a filename."""

    name: str
    data: bytes
    filename: str | None = None
    content_type: str | None = None

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


def multipart(body: bytes, content_type: str) -> list[FormPart]:
    """The parts of a multipart/form-data body (RFC 7578), in order; ValueError when it is not one."""
    if "boundary=" not in content_type:
        raise ValueError("multipart/form-data without a boundary")
    message = BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\nMIME-Version: 1.0\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise ValueError("not a multipart body")
    parts: list[FormPart] = []
    for part in message.iter_parts():
        disposition = part.get("Content-Disposition", "")
        name = part.get_param("name", header="content-disposition")
        if "form-data" not in disposition or not isinstance(name, str):
            raise ValueError("a part without a form-data name")
        payload = part.get_payload(decode=True)
        filename = part.get_filename()
        parts.append(
            FormPart(
                name,
                payload if isinstance(payload, bytes) else b"",
                filename,
                part.get_content_type() if filename else None,
            )
        )
    return parts
