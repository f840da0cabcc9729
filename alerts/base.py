"""The remote adapter every Sentry resource shares (team, project, client key, metric monitor, alert,
dashboard): the client, the update-then-settle shape, and "already gone" on delete.

A resource type declares its field table and its five remote calls (``find``, ``fetch``,
``create_remote``, ``update_remote``, ``delete_remote``); ``core.provider.Provider`` writes check,
diff, create/read/update/delete, naming and outputs once, and ``core.policy`` adopts, retries and
settles. Sentry lookups by natural key always go to the API (``fresh`` makes no difference).
"""

from __future__ import annotations

from typing import ClassVar

from vigil.core.errors import ApiError
from vigil.core.fields import as_dict, as_id, as_int, as_number, is_id, is_unknown, known, managed
from vigil.core.inputs import PROVIDER_KEY
from vigil.core.provider import Provider, props_of, with_secrets
from vigil.core.sentry import SentryClient


class SentryProvider(Provider):
    service: ClassVar[str] = "Sentry"

    def client(self) -> SentryClient:
        return SentryClient.from_env()


def reject(error: ApiError, message: str, hint: str) -> ApiError:
    """The same kind of error with vigil's explanation (the original status and code kept)."""
    return type(error)(error.api, error.method, error.url, error.status, message, code=error.code, hint=hint)


__all__ = [
    "PROVIDER_KEY",
    "SentryProvider",
    "as_dict",
    "as_id",
    "as_int",
    "as_number",
    "is_id",
    "is_unknown",
    "known",
    "managed",
    "props_of",
    "reject",
    "with_secrets",
]
