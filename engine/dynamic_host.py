"""``python -m pulumi.dynamic`` with an engine watch (engine/plugin_watchdog.py): the dynamic provider
process exits when its engine goes away. Launched by engine/plugins/pulumi-resource-pulumi-python,
which vigil puts ahead of Pulumi's bundled launcher on the engine's PATH.

It also sizes the provider's gRPC thread pool. The SDK's server (pulumi/dynamic/__main__.py) serves
4 calls at once; vigil's providers settle writes in batches (core.policy.SettleBatch: a create
waits, in its thread, for the one list read that confirms every write in flight), so a batch holds
at most as many writes as there are threads. ``PROVIDER_THREADS`` — one monitor list page — lets
one list read confirm 200 creates; the engine runs with unbounded parallelism to send them
(engine/operations.py). Idle threads cost nothing: the pool starts them as calls arrive.
"""

from __future__ import annotations

import runpy
from concurrent import futures
from typing import Any

import grpc

from vigil.engine import legacy_modules
from vigil.engine.plugin_watchdog import watch

PROVIDER_THREADS = 200  # core.uptimerobot.PAGE_SIZE: one list page confirms a whole batch

_server = grpc.server


def _sized_server(thread_pool: Any = None, *args: Any, **kwargs: Any) -> Any:
    """``grpc.server`` as the SDK calls it, with a pool of ``PROVIDER_THREADS`` instead of 4."""
    if isinstance(thread_pool, futures.ThreadPoolExecutor):
        thread_pool.shutdown(wait=False)
        thread_pool = futures.ThreadPoolExecutor(max_workers=PROVIDER_THREADS)
    return _server(thread_pool, *args, **kwargs)


def main() -> None:
    watch()
    legacy_modules.install()  # providers pickled before the vigil.* namespace
    grpc.server = _sized_server  # this process runs only the SDK's provider server
    runpy.run_module("pulumi.dynamic", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
