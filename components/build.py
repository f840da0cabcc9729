"""Turn a validated stack into components, and export what the application needs."""

from __future__ import annotations

import pulumi

from vigil.components.uptime import AlertRouting, Maintenance, PublicStatusPage, UptimeMonitors, renamed
from vigil.spec import outputs
from vigil.spec.outputs import resource_name
from vigil.spec.stack import Stack


def build_stack(stack: Stack, ownership: str | None = None) -> None:
    """``ownership``: the file the CLI wrote with what other stacks own (``core.ownership``, relative
    to the project root); every resource gets that path as the ``__ownership`` input, so its
    provider leaves those objects alone."""
    if ownership is not None:
        pulumi.runtime.register_stack_transformation(_with_ownership(ownership))
    _build_sentry(stack)
    _build_slack(stack)
    routing = AlertRouting("alert-routing", stack)
    monitors = UptimeMonitors("uptime", stack, routing)
    pages = {
        # a renamed page or window: the component's alias carries its child along (the child's name
        # starts with the component's, so Pulumi derives the child's alias from the parent's)
        page.name: PublicStatusPage(
            resource_name("status", page.name),
            page,
            stack,
            monitors,
            pulumi.ResourceOptions(aliases=renamed("status", page)),
        )
        for page in stack.status_pages
    }
    for window in stack.maintenance_windows:
        Maintenance(
            resource_name("maintenance", window.name),
            window,
            stack,
            monitors,
            pulumi.ResourceOptions(aliases=renamed("maintenance", window)),
        )
    pulumi.export(outputs.MONITOR_IDS, monitors.monitor_ids)
    if monitors.heartbeat_urls:
        pulumi.export(outputs.HEARTBEAT_URLS, monitors.heartbeat_urls)
    if pages:
        pulumi.export(outputs.STATUS_PAGE_URLS, {name: page.url for name, page in pages.items()})


def _build_sentry(stack: Stack) -> None:
    if not (stack.sentry_teams or stack.sentry_projects):
        return
    from vigil.components.sentry import SentryOrganization, SentryProject

    organization = SentryOrganization("sentry", stack)
    projects = {
        project.slug: SentryProject(resource_name("sentry", project.slug), project, stack, organization)
        for project in stack.sentry_projects
    }
    organization.dashboards(stack, projects)
    pulumi.export(outputs.SENTRY_PROJECT_IDS, {slug: p.project_id for slug, p in projects.items()})
    for slug, component in projects.items():
        for key, dsn in component.dsns.items():
            pulumi.export(outputs.sentry_dsn(slug, key), pulumi.Output.secret(dsn))
    if stack.sentry_environment:
        pulumi.export(outputs.SENTRY_ENVIRONMENT, stack.sentry_environment)


def _build_slack(stack: Stack) -> None:
    channel = stack.slack_channel
    if channel is None:
        return
    from vigil.alerts.slack_channel import SlackChannel, SlackChannelArgs

    resource = SlackChannel(
        "slack-channel",  # one incidents channel per stack: renaming it renames in place
        SlackChannelArgs(name=channel.name, purpose=channel.purpose or None),
        reference=channel.reference,
    )
    pulumi.export(outputs.SLACK_CHANNEL_ID, resource.channel_id)


def _with_ownership(path: str) -> pulumi.ResourceTransformation:
    from vigil.core.inputs import PROVIDER_KEY
    from vigil.core.ownership import OWNERSHIP_KEY

    def transform(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
        if PROVIDER_KEY not in args.props:  # components, and anything not vigil's dynamic resources
            return None
        return pulumi.ResourceTransformationResult({**args.props, OWNERSHIP_KEY: path}, args.opts)

    return transform
