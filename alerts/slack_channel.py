"""The incidents channel, managed through the Slack Web API when SLACK_BOT_TOKEN is set.

Without a token the resource records the channel as *unmanaged* (id ``unmanaged:<name>``) and does
nothing else, so stacks work for teams that only use incoming webhooks. With a token: create (or
adopt an existing channel of that name), rename in place, set the purpose, archive on delete.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)

from core.errors import NotFound
from core.slack import SlackClient
from monitors.fields import managed
from monitors.resource import props_of

UNMANAGED = "unmanaged:"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")


@dataclass(frozen=True)
class SlackChannelArgs:
    name: pulumi.Input[str]
    purpose: pulumi.Input[str] | None = None


def _outputs(channel: dict[str, Any] | None, name: str, purpose: str | None) -> dict[str, Any]:
    if channel is None:
        return {"name": name, "purpose": purpose, "channel_id": None, "managed": False}
    return {
        "name": channel.get("name"),
        "purpose": (channel.get("purpose") or {}).get("value") or purpose,
        "channel_id": channel.get("id"),
        "managed": True,
        "archived": channel.get("is_archived", False),
    }


class SlackChannelProvider(ResourceProvider):
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        name = str(news.get("name") or "").lstrip("#")
        failures = []
        if not _NAME.match(name):
            failures.append(
                CheckFailure(
                    "name",
                    f"Slack channel '{name}': use lower case letters, digits, '-' "
                    "and '_' (at most 80), e.g. 'incidents'",
                )
            )
        return CheckResult({**news, "name": name}, failures)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        wanted = managed(news)
        token_now = SlackClient.from_env() is not None
        becomes_managed = id_.startswith(UNMANAGED) and token_now
        changed = [k for k in ("name", "purpose") if k in wanted and wanted[k] != olds.get(k)]
        return DiffResult(
            changes=bool(changed) or becomes_managed, replaces=["managed"] if becomes_managed else []
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        name, purpose = props["name"], props.get("purpose")
        client = SlackClient.from_env()
        if client is None:
            return CreateResult(UNMANAGED + name, _outputs(None, name, purpose))
        channel = client.find_channel(name)
        if channel is None:
            channel = client.call("conversations.create", name=name)["channel"]
        elif channel.get("is_archived"):
            client.call("conversations.unarchive", channel=channel["id"])
        if purpose:
            client.call("conversations.setPurpose", channel=channel["id"], purpose=purpose)
        channel = client.call("conversations.info", channel=channel["id"])["channel"]
        return CreateResult(str(channel["id"]), _outputs(channel, name, purpose))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        client = SlackClient.from_env()
        if id_.startswith(UNMANAGED) or client is None:
            return ReadResult(id_, dict(props))
        try:
            channel = client.call("conversations.info", channel=id_)["channel"]
        except NotFound:
            return ReadResult("", {})
        if channel.get("is_archived"):
            return ReadResult("", {})  # archived out of band: gone for the stack
        outs = _outputs(channel, props.get("name", ""), props.get("purpose"))
        return ReadResult(id_, outs, {k: outs[k] for k in ("name", "purpose") if props.get(k) is not None})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        client = SlackClient.from_env()
        if client is None or id_.startswith(UNMANAGED):
            return UpdateResult(_outputs(None, news["name"], news.get("purpose")))
        if news["name"] != olds.get("name"):
            client.call("conversations.rename", channel=id_, name=news["name"])
        if news.get("purpose") is not None and news.get("purpose") != olds.get("purpose"):
            client.call("conversations.setPurpose", channel=id_, purpose=news["purpose"])
        channel = client.call("conversations.info", channel=id_)["channel"]
        return UpdateResult(_outputs(channel, news["name"], news.get("purpose")))

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        client = SlackClient.from_env()
        if client is None or id_.startswith(UNMANAGED):
            return
        try:
            client.call("conversations.archive", channel=id_)  # Slack channels are archived, not deleted
        except NotFound:
            pass
        except Exception as error:  # already archived: the goal of a delete
            if getattr(error, "code", None) != "already_archived":
                raise


class SlackChannel(Resource, module="slack", name="Channel"):
    channel_id: pulumi.Output[str]
    managed: pulumi.Output[bool]

    def __init__(
        self, resource_name: str, args: SlackChannelArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(SlackChannelProvider(), resource_name, props_of(args, "channel_id", "managed"), opts)
