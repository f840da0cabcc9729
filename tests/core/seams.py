"""A scripted transport for the few cases the emulators cannot produce (redirects, 410, Link pages).

Mounted on the pooled session of a base URL, as ``core.http`` documents its test seam.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import BaseAdapter

from vigil.core.http import session_for

Answer = tuple[int, Mapping[str, str], bytes]


@dataclass
class Seen:
    method: str
    url: str
    headers: dict[str, str]
    timeout: Any


@dataclass
class ScriptedTransport(BaseAdapter):
    answer: Callable[[requests.PreparedRequest], Answer]
    seen: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.seen.append(
            Seen(str(request.method), str(request.url), dict(request.headers), kwargs.get("timeout"))
        )
        status, headers, body = self.answer(request)
        response = requests.Response()
        response.status_code = status
        response.headers.update(headers)
        response._content = body
        response.url = str(request.url)
        response.request = request
        return response

    def close(self) -> None:
        pass


def mount(
    base_url: str, answer: Callable[[requests.PreparedRequest], Answer], *, prefix: str | None = None
) -> ScriptedTransport:
    """Answer requests to ``prefix`` (default: the base) made through ``base_url``'s session."""
    transport = ScriptedTransport(answer)
    session_for(base_url).mount(prefix or base_url, transport)
    return transport
