"""The providers under the SDK's own gRPC servicer (pulumi/dynamic/__main__.py), without the engine.

This is the wiring the engine uses: the provider is dill-pickled into ``__provider``, Check and Diff
receive unknowns, Read of a vanished object answers an empty id without crashing the servicer.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pulumi.dynamic
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2

from tests.conftest import UptimeRobotAccount
from vigil.core.inputs import SETTINGS_KEY, pack
from vigil.monitors.monitor import MonitorProvider


def _servicer_class() -> Any:
    """The SDK's servicer class; its module starts a gRPC server when imported, so run it without."""
    path = Path(pulumi.dynamic.__file__).with_name("__main__.py")
    source = path.read_text()
    head, _, tail = source.rpartition("\nmain()")
    assert tail.strip() == "", "the SDK's dynamic __main__ changed shape"
    namespace: dict[str, Any] = {"__name__": "pulumi_dynamic_servicer"}
    exec(compile(head, str(path), "exec"), namespace)
    return namespace["DynamicResourceProviderServicer"]


DynamicResourceProviderServicer = _servicer_class()


def struct(props: dict[str, Any]) -> Any:
    return asyncio.run(rpc.serialize_properties(props, {}))


def fields(props: Any) -> dict[str, Any]:
    return dict(rpc.deserialize_properties(props, keep_unknowns=True))


def monitor_props(**extra: Any) -> dict[str, Any]:
    """As the program registers a monitor: name and type, the other fields packed."""
    props = {"name": "api", "type": "http", "interval": 300, "url": "https://api.example.com/health", **extra}
    packed = tuple(k for k in props if k not in ("name", "type"))
    return {"__provider": serialize_provider(MonitorProvider()), **pack(props, packed)}


class Context:
    def set_code(self, *_: Any) -> None: ...

    def set_details(self, *_: Any) -> None: ...

    def abort(self, *args: Any) -> None:
        raise AssertionError(f"servicer aborted: {args}")


def test_check_with_unknown_inputs_answers_through_the_servicer() -> None:
    servicer = DynamicResourceProviderServicer()
    request = provider_pb2.CheckRequest(
        urn="urn:pulumi:s::p::pulumi-python:dynamic/uptimerobot:Monitor::api",
        olds=struct({}),
        news=struct(monitor_props(url=rpc.UNKNOWN, tags=[rpc.UNKNOWN])),
    )
    response = servicer.Check(request, Context())
    assert list(response.failures) == []
    assert fields(response.inputs)["type"] == "http"


def test_read_of_a_vanished_monitor_answers_an_empty_id(uptimerobot: UptimeRobotAccount) -> None:
    servicer = DynamicResourceProviderServicer()
    request = provider_pb2.ReadRequest(
        id="800999999",
        urn="urn:pulumi:s::p::pulumi-python:dynamic/uptimerobot:Monitor::api",
        properties=struct(monitor_props(monitor_id="800999999")),
    )
    response = servicer.Read(request, Context())
    assert response.id == ""


def test_create_then_read_through_the_servicer(uptimerobot: UptimeRobotAccount) -> None:
    servicer = DynamicResourceProviderServicer()
    urn = "urn:pulumi:s::p::pulumi-python:dynamic/uptimerobot:Monitor::api"
    created = servicer.Create(
        provider_pb2.CreateRequest(urn=urn, properties=struct(monitor_props())), Context()
    )
    assert created.id and fields(created.properties)["monitor_id"] == created.id
    read = servicer.Read(
        provider_pb2.ReadRequest(id=created.id, urn=urn, properties=created.properties), Context()
    )
    assert read.id == created.id and fields(read.properties)[SETTINGS_KEY]["interval"] == 300
    assert not read.HasField("inputs")  # the engine keeps the stack's inputs
