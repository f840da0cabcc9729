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

import re
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import DiffResult

from vigil.core.errors import Conflict, MissingCredential, NotFound
from vigil.core.fields import Doc, Field, Table, known, managed
from vigil.core.inputs import PROVIDER_KEY
from vigil.core.provider import Created, DynamicResource, Provider, Read, Updated
from vigil.core.slack import SlackClient, normalise_channel_name

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


TABLE = Table(
    (
        Field("name", "name", "str", norm=normalise_channel_name),
        Field("purpose", "purpose", "str", norm=lambda v: str(v).strip()),
    )
)


class SlackChannelProvider(Provider):
    service: ClassVar[str] = "Slack"
    kind: ClassVar[str] = "channel"
    natural_key: ClassVar[tuple[str, ...] | None] = ("name",)  # what find() looks it up by
    table: ClassVar[Table] = TABLE
    id_output: ClassVar[str] = "channel_id"

    def label(self, fields: dict[str, Any]) -> str:
        name = fields.get("name")
        return f"Slack channel '#{name}'" if isinstance(name, str) else "Slack channel"

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        name = fields.get("name")
        if name is None or (known(name) and not NAME.match(normalise_channel_name(str(name)))):
            problems.append(
                (
                    "name",
                    f"{name!r}: use 1-80 lower-case letters, digits, '-' or '_' (e.g. 'incidents'); "
                    "a leading '#' is fine",
                )
            )
        purpose = fields.get("purpose")
        if known(purpose) and len(str(purpose)) > PURPOSE_MAX:
            problems.append(("purpose", f"at most {PURPOSE_MAX} characters: shorten it"))
        return problems

    def from_wire(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        purpose = (doc.get("purpose") or {}).get("value")
        return {
            "name": doc.get("name"),
            "purpose": purpose if purpose or props.get("purpose") is not None else None,
        }

    def settled(self, doc: dict[str, Any], fields: dict[str, Any]) -> bool:
        return not doc.get("is_archived") and super().settled(doc, fields)

    def extra_outputs(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        return {"managed": True}

    # --- the adapter --------------------------------------------------------------------------------
    def client(self) -> SlackClient:
        client = SlackClient.from_env()
        if client is None:
            raise MissingCredential(
                "SLACK_BOT_TOKEN is not set: vigil cannot change the managed channel without it; set "
                "it to a bot token with channels:manage and channels:read",
                "SLACK_BOT_TOKEN",
            )
        return client

    def find(self, client: SlackClient, fields: dict[str, Any], fresh: bool) -> dict[str, Any] | None:
        return client.find_channel(fields["name"])  # archived ones too: adopting unarchives

    def fetch(self, client: SlackClient, id_: str, props: dict[str, Any]) -> dict[str, Any] | None:
        try:
            channel = client.channel_info(id_)
        except NotFound:
            return None
        return None if channel.get("is_archived") else channel  # archived outside vigil: gone

    def settle_fetch(self, client: SlackClient, id_: str, props: dict[str, Any]) -> dict[str, Any] | None:
        try:
            return client.channel_info(id_)
        except NotFound:
            return None

    def create_remote(self, client: SlackClient, fields: dict[str, Any]) -> dict[str, Any]:
        channel = client.create_channel(fields["name"])
        return self.update_remote(client, str(channel["id"]), fields, channel, {})

    def update_remote(
        self, client: SlackClient, id_: str, fields: Doc, current: Doc | None, olds: Doc
    ) -> Doc:
        channel = current if current is not None else client.channel_info(id_)
        if channel.get("is_archived"):
            client.unarchive_channel(id_)
        if channel.get("name") != fields["name"]:
            channel = client.rename_channel(id_, fields["name"])
        purpose = fields.get("purpose")
        if purpose is not None and (channel.get("purpose") or {}).get("value") != purpose:
            client.set_purpose(id_, purpose)
            channel = {**channel, "purpose": {"value": purpose}}
        return {**channel, "is_archived": False}

    def delete_remote(self, client: SlackClient, id_: str, props: dict[str, Any]) -> None:
        try:
            client.archive_channel(id_)  # Slack channels are archived, not deleted
        except Conflict as error:
            if error.code != "already_archived":
                raise

    # --- without a token: the channel is recorded as unmanaged ------------------------------------------
    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        result = super().diff(id_, olds, news)
        if is_unmanaged(id_) and SlackClient.from_env() is not None:
            return DiffResult(changes=True, replaces=["managed"], stables=[], delete_before_replace=False)
        return result

    def create(self, props: dict[str, Any]) -> Created:
        if SlackClient.from_env() is None:
            values = self.normalise(managed(props))
            return Created(UNMANAGED + str(values["name"]), _unmanaged_outputs(values))
        return super().create(props)

    def read(self, id_: str, props: dict[str, Any]) -> Read:
        values = {k: props.get(k) for k in self.fields}
        if is_unmanaged(id_):
            outs = _unmanaged_outputs(values)
            return Read(id_, outs, {k: v for k, v in values.items() if v is not None})
        if SlackClient.from_env() is None:  # cannot look without a token: keep what the state says
            return Read(id_, {k: v for k, v in props.items() if k != PROVIDER_KEY})
        result = super().read(id_, props)
        if not result.id:
            return result
        outs = dict(result.outs or {})
        return Read(id_, outs, {k: outs[k] for k in self.fields if props.get(k) is not None})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> Updated:
        if is_unmanaged(id_):
            return Updated(_unmanaged_outputs(self.normalise(managed(news))))
        return super().update(id_, olds, news)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        if not is_unmanaged(id_):
            super().delete(id_, props)


class SlackChannel(DynamicResource, module="slack", name="SlackChannel"):
    channel_id: pulumi.Output[str]
    managed: pulumi.Output[bool]
    name: pulumi.Output[str]
    purpose: pulumi.Output[str]

    provider_type: ClassVar[type[Provider]] = SlackChannelProvider
    output_names: ClassVar[tuple[str, ...]] = ("channel_id", "managed")
