"""The emulated services a sandbox serves, in the order ``sandbox status`` lists them."""

from __future__ import annotations

from sandbox.core.clock import Clock
from sandbox.core.service import Service


def build_services(clock: Clock) -> list[Service]:
    from sandbox.sentry.service import SentryService
    from sandbox.slack.service import SlackService
    from sandbox.uptimerobot.service import UptimeRobotService

    return [UptimeRobotService(clock), SentryService(clock), SlackService(clock)]
