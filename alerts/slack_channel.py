"""The incidents channel, through the Slack Web API when SLACK_BOT_TOKEN is set.

Without a token nothing fails: the resource records the channel as UNMANAGED (id
``unmanaged:<name>``, output ``managed: false``, ``channel_id`` None) and calls nothing, so stacks
work for teams that only post through incoming webhooks (the CLI says "the channel is unmanaged").
When a token appears later, ``diff`` replaces the placeholder by the real channel.

With a token: create adopts an existing channel of that name (unarchiving it) or creates one;
the name is renamed in place (``conversations.rename``) and the purpose set in place; delete
archives (Slack channels are archived, not deleted). A channel archived outside vigil reads as gone.
The Pulumi id is Slack's channel id.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any, ClassVar

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

from alerts.base import is_unknown, known, managed, props_of, settle
from core.errors import ClientError, Conflict, MissingCredential, NotFound
from core.slack import SlackClient, normalise_channel_name

UNMANAGED = "unmanaged:"
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
PURPOSE_MAX = 250


@dataclass(frozen=True)
class SlackChannelArgs:
    name: pulumi.Input[str]
    purpose: pulumi.Input[str] | None = None  # None: not managed


def is_unmanaged(id_: str) -> bool:
    return id_.startswith(UNMANAGED)


def _unmanaged_outputs(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": fields.get("name"),
        "purpose": fields.get("purpose"),
        "channel_id": None,
        "managed": False,
    }


def _outputs(channel: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    purpose = (channel.get("purpose") or {}).get("value")
    return {
        "name": channel.get("name"),
        "purpose": purpose if purpose or fields.get("purpose") is not None else None,
        "channel_id": channel.get("id"),
        "managed": True,
    }


class SlackChannelProvider(ResourceProvider):
    fields: ClassVar[tuple[str, ...]] = tuple(f.name for f in fields(SlackChannelArgs))

    # --- helpers ----------------------------------------------------------------------------------
    def normalise(self, values: dict[str, Any]) -> dict[str, Any]:
        out = dict(values)
        if known(out.get("name")):
            out["name"] = normalise_channel_name(out["name"])
        if known(out.get("purpose")):
            out["purpose"] = str(out["purpose"]).strip()
        return out

    @contextlib.contextmanager
    def naming(self, values: dict[str, Any], id_: str | None = None) -> Iterator[None]:
        try:
            yield
        except ClientError as error:
            name = values.get("name")
            label = f"Slack channel '#{name}'" if isinstance(name, str) else "Slack channel"
            error.args = (f"{label}{f' (id {id_})' if id_ else ''}: {error}",)
            raise

    @staticmethod
    def _client_or_fail(action: str) -> SlackClient:
        client = SlackClient.from_env()
        if client is None:
            raise MissingCredential(
                f"SLACK_BOT_TOKEN is not set: vigil cannot {action} the managed channel without it; set "
                "it to a bot token with channels:manage and channels:read",
                "SLACK_BOT_TOKEN",
            )
        return client

    # --- ResourceProvider ---------------------------------------------------------------------------
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        values = managed(news)
        failures: list[CheckFailure] = []
        name = values.get("name")
        if name is None or (known(name) and not NAME.match(normalise_channel_name(str(name)))):
            failures.append(
                CheckFailure(
                    "name",
                    f"Slack channel {name!r}: use 1-80 lower-case letters, digits, '-' or '_' "
                    "(e.g. 'incidents'); a leading '#' is fine",
                )
            )
        purpose = values.get("purpose")
        if known(purpose) and len(str(purpose)) > PURPOSE_MAX:
            failures.append(CheckFailure("purpose", f"at most {PURPOSE_MAX} characters: shorten it"))
        if failures:
            return CheckResult(dict(news), failures)
        return CheckResult({**news, **self.normalise(values)}, [])

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        wanted = self.normalise(managed(news))
        current = self.normalise({k: olds.get(k) for k in wanted if olds.get(k) is not None})
        changed = [k for k in wanted if is_unknown(wanted[k]) or wanted[k] != current.get(k)]
        becomes_managed = is_unmanaged(id_) and SlackClient.from_env() is not None
        return DiffResult(
            changes=bool(changed) or becomes_managed,
            replaces=["managed"] if becomes_managed else [],
            stables=[],
            delete_before_replace=False,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        values = self.normalise(managed(props))
        client = SlackClient.from_env()
        if client is None:
            return CreateResult(UNMANAGED + str(values["name"]), _unmanaged_outputs(values))
        with self.naming(values):
            channel = client.find_channel(values["name"])
            if channel is None:
                try:
                    channel = client.create_channel(values["name"])
                except Conflict:  # name_taken: made meanwhile (or a retry): adopt it
                    channel = client.find_channel(values["name"])
                    if channel is None:
                        raise
            if channel.get("is_archived"):
                client.unarchive_channel(str(channel["id"]))
            channel = self._apply_purpose(client, channel, values)
        return CreateResult(str(channel["id"]), _outputs(channel, values))

    def _apply_purpose(
        self, client: SlackClient, channel: dict[str, Any], values: dict[str, Any]
    ) -> dict[str, Any]:
        channel_id = str(channel["id"])
        purpose = values.get("purpose")
        if purpose is not None and (channel.get("purpose") or {}).get("value") != purpose:
            client.set_purpose(channel_id, purpose)
        seen = settle(
            lambda: client.channel_info(channel_id),
            lambda c: (
                c.get("name") == values["name"]
                and not c.get("is_archived")
                and (purpose is None or (c.get("purpose") or {}).get("value") == purpose)
            ),
        )
        return seen or channel

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        values = {k: props.get(k) for k in self.fields}
        if is_unmanaged(id_):
            outs = _unmanaged_outputs(values)
            return ReadResult(id_, outs, {k: v for k, v in values.items() if v is not None})
        client = SlackClient.from_env()
        if client is None:  # cannot look without a token: keep what the state says
            return ReadResult(id_, {k: v for k, v in props.items() if k != "__provider"})
        with self.naming(values, id_):
            try:
                channel = client.channel_info(id_)
            except NotFound:
                return ReadResult("", {})
        if channel.get("is_archived"):
            return ReadResult("", {})  # archived outside vigil: gone for the stack
        outs = _outputs(channel, values)
        return ReadResult(id_, outs, {k: outs[k] for k in self.fields if props.get(k) is not None})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        values = self.normalise(managed(news))
        if is_unmanaged(id_):
            return UpdateResult(_unmanaged_outputs(values))
        with self.naming(values, id_):
            client = self._client_or_fail("rename or describe")
            channel = client.channel_info(id_)
            if channel.get("name") != values["name"]:
                client.rename_channel(id_, values["name"])
            channel = self._apply_purpose(client, client.channel_info(id_), values)
        return UpdateResult(_outputs(channel, values))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        if is_unmanaged(id_):
            return
        with self.naming(props, id_):
            client = self._client_or_fail("archive")
            try:
                client.archive_channel(id_)  # Slack channels are archived, not deleted
            except NotFound:
                return
            except Conflict as error:
                if error.code != "already_archived":
                    raise


class SlackChannel(Resource, module="slack", name="SlackChannel"):
    channel_id: pulumi.Output[str]
    managed: pulumi.Output[bool]
    name: pulumi.Output[str]
    purpose: pulumi.Output[str]

    def __init__(
        self, resource_name: str, args: SlackChannelArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(
            SlackChannelProvider(), resource_name, props_of(args, ("channel_id", "managed")), opts
        )
