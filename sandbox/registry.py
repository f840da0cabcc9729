"""The emulated services a sandbox serves, in the order ``sandbox status`` lists them."""

from __future__ import annotations

from vigil.sandbox.core.clock import Clock
from vigil.sandbox.core.service import Service


def build_services(clock: Clock) -> list[Service]:
    from vigil.sandbox.sentry.service import SentryService
    from vigil.sandbox.slack.service import SlackService
    from vigil.sandbox.uptimerobot.service import UptimeRobotService

    return [UptimeRobotService(clock), SentryService(clock), SlackService(clock)]
