"""Conductor CRM's monitoring plan ("Marco 042: Launch & Monitoring") as a vigil stack.

What differs per environment (domain, intervals, contacts, sampling, what exists at all) comes from
``stacks/<env>.yaml``; everything else is the plan: Sentry for errors and performance on the
FastAPI backend and the Angular frontend, four Uptime Robot monitors, alerts by e-mail and Slack, a
public status page, P0–P3 severities and the SLA targets.
"""

from __future__ import annotations

from collections.abc import Callable

from vigil.spec import (
    Dashboard,
    EmailContact,
    ErrorAlert,
    HttpMonitor,
    Incident,
    KeywordMonitor,
    LatencyMonitor,
    OnCall,
    ReleaseNotification,
    SentryProject,
    SentryTeam,
    Severity,
    SlackChannel,
    SlackWebhook,
    SlaTargets,
    Stack,
    StatusPage,
    Widget,
)
from vigil.spec.blocks import Block
from vigil.spec.values import Values


def build(env: str, values: Values) -> Stack:
    if values.get("role") == "shared":
        return _shared(env, values)
    site = values.site  # e.g. https://conductor-crm.com
    api = values.api  # e.g. https://api.conductor-crm.com
    every = values.intervals
    human = tuple(values.alert)  # contact names every monitor alerts
    sentry = values.get("sentry")
    slack = values.get("slack")
    page = values.get("status_page")

    contacts = _contacts(values)
    # Environments sharing one Sentry organisation: the team and projects are the shared stack's
    # (references, read only); what each environment owns is named after it.
    shared_sentry = bool(sentry and sentry.flag("shared"))
    named = (lambda name: f"{name} in {values.sentry_environment}") if shared_sentry else (lambda name: name)

    monitors = [
        HttpMonitor(
            name="Backend API",
            url=f"{api}/api/v1/health/simple",
            every=every.api,
            severity="P0",
            alert=human,
            description="The API answers its cheap health check",
        ),
        HttpMonitor(
            name="Frontend",
            url=site,
            every=every.frontend,
            severity="P0",
            alert=human,
            description="The Angular app is served",
        ),
        HttpMonitor(
            name="Database health",
            url=f"{api}/api/v1/health",
            every=every.database,
            # P2: a total outage already pages through "Backend API" within 5 minutes.
            severity="P2",
            alert=human,
            description="The full health check, MongoDB included",
        ),
        KeywordMonitor(
            name="AI endpoints",
            url=f"{api}/api/v1/ai/health",
            every=every.ai,
            keyword='"status":"healthy"',
            severity="P2",
            alert=human,
            description="The Claude-backed AI endpoints report healthy",
        ),
    ]

    sentry_blocks: list[Block] = []
    if sentry:
        notify_errors = ("team", slack.channel) if slack else ("team",)
        sentry_blocks = [
            *_sentry_projects(sentry, reference=shared_sentry),
            *[
                ErrorAlert(
                    name=named(f"{project} errors"),
                    project=project,
                    new_issue=True,
                    events_above=sentry.error_spike,
                    per="1m",
                    notify=notify_errors,
                    environment=values.sentry_environment,
                    severity="P1",
                )
                for project in ("backend", "frontend")
            ],
            LatencyMonitor(
                name=named("backend p95"),
                project="backend",
                p95_over=sentry.p95_over,
                for_="5m",
                notify=("team",),
                environment=values.sentry_environment,
                severity="P2",
            ),
            Dashboard(
                title=named("Conductor health"),
                widgets=(
                    Widget(title="Errors (24h)", aggregate="count()", display="big_number"),
                    Widget(title="Error rate", aggregate="failure_rate()", dataset="transaction-like"),
                    Widget(
                        title="p95 latency",
                        aggregate="p95(span.duration)",
                        dataset="spans",
                        query="is_transaction:true",
                    ),
                    Widget(title="AI endpoint errors", query="transaction:/api/v1/ai/*", display="table"),
                ),
            ),
        ]
        if slack:
            sentry_blocks.append(ReleaseNotification(project="backend", channel=slack.channel))

    return Stack(
        app="conductor",
        env=env,
        protected=values.flag("protected"),
        uptime_plan=values.get("uptime_plan", "free"),
        uptime_monitor_limit=values.get("uptime_monitor_limit"),
        sentry_environment=values.sentry_environment,
        links=tuple((str(k), str(v)) for k, v in (values.get("links") or {}).items()),
        ignore_unmanaged=tuple(str(p) for p in values.get("ignore_unmanaged") or ()),
        blocks=(
            SlaTargets(uptime="99%", error_rate="0.1%", mttd="5m", mttr_p0="1h"),
            Severity("P0", mttr="1h", description="Critical: the system is down, data loss, security breach"),
            Severity(
                "P1",
                mttr="4h",
                description="High: a critical feature fails, severe slowness, "
                "an error affects more than half of the users",
            ),
            Severity(
                "P2",
                mttr="24h",
                description="Medium: a secondary feature fails, mild slowness, "
                "an error affects under 10 % of the users",
            ),
            Severity("P3", mttr="1w", description="Low: a minor bug, a UX improvement"),
            contacts,
            monitors,
            StatusPage(name=page.name, domain=page.get("domain")) if page else None,
            sentry_blocks,
            SlackChannel(name=slack.incidents_channel, purpose="Incident response for Conductor CRM")
            if slack and slack.get("incidents_channel")
            else None,
            [
                OnCall(
                    role=o.role,
                    name=o.name,
                    phone=o.secret("phone") if "phone" in o else None,
                    rotation_url=o.get("rotation_url"),
                )
                for o in (values.get("on_call") or [])
            ],
            _incidents(api, named),
        ),
    )


def _contacts(values: Values) -> list[EmailContact | SlackWebhook]:
    """E-mail contacts and the Slack webhook; ``shared: true`` ones are the shared stack's (references)."""
    slack = values.get("slack")
    contacts: list[EmailContact | SlackWebhook] = [
        EmailContact(name=c.name, email=c.email, reference=c.flag("shared")) for c in values.contacts.emails
    ]
    if slack:
        contacts.append(
            SlackWebhook(
                name="slack",
                url=slack.secret("webhook_url"),
                channel=slack.channel,
                reference=slack.flag("shared"),
            )
        )
    return contacts


def _sentry_projects(sentry: Values, *, reference: bool) -> list[Block]:
    """One Sentry project per service, in one team; each environment reports into it with its own
    ``environment`` tag (the SDK's ``environment=``), so the projects and their DSNs are shared."""
    team = sentry.team
    rate = sentry.traces_sample_rate
    return [
        SentryTeam(slug=team, reference=reference),
        SentryProject(
            slug="backend",
            platform="python-fastapi",
            team=team,
            traces_sample_rate=rate,
            profiles_sample_rate=rate,
            reference=reference,
        ),
        SentryProject(
            slug="frontend",
            platform="javascript-angular",
            team=team,
            traces_sample_rate=rate,
            reference=reference,
        ),
    ]


def _shared(env: str, values: Values) -> Stack:
    """What Conductor's environments share, declared once (``stacks/shared.yaml``): the Sentry team,
    projects and keys, the ops e-mail contact and the Slack webhook. The environments reference them."""
    sentry = values.get("sentry")
    return Stack(
        app="conductor",
        env=env,
        protected=values.flag("protected"),
        uptime_plan=values.get("uptime_plan", "free"),
        shared=True,
        blocks=(_contacts(values), _sentry_projects(sentry, reference=False) if sentry else None),
    )


def _incidents(api: str, named: Callable[[str], str]) -> list[Incident]:
    return [
        Incident(
            title="Backend not responding",
            severity="P0",
            symptoms=("Uptime Robot alert: API down", "Sentry: many timeouts"),
            checks=(
                "railway logs --service backend",
                "Is the container running? (Railway dashboard)",
                f"curl {api}/api/v1/health",
            ),
            fixes=("Restart the service: railway restart --service backend",),
            detected_by=("Backend API",),
        ),
        Incident(
            title="MongoDB connection issues",
            severity="P1",
            symptoms=("Sentry: pymongo.errors.ServerSelectionTimeoutError", "Health check reports degraded"),
            checks=(
                "MongoDB plugin status on Railway",
                "MONGO_URL environment variable",
                "IP allow-list (Atlas)",
            ),
            fixes=("Restart the MongoDB plugin", "Check credentials", "Check network connectivity"),
            detected_by=("Database health",),
        ),
        Incident(
            title="High error rate",
            severity="P1",
            symptoms=("Sentry alert: error spike", "Many errors of the same type"),
            checks=("Stack trace in Sentry", "Was there a recent deploy?", "Is it one endpoint?"),
            fixes=(
                "Recent deploy: roll back (./scripts/rollback.sh <previous-version>)",
                "Specific bug: hotfix branch, then ./scripts/deploy.sh",
            ),
            detected_by=(named("backend errors"), named("frontend errors")),
        ),
        Incident(
            title="Performance degradation",
            severity="P2",
            symptoms=("Sentry: p95 response time > 1 s", "Users report slowness"),
            checks=("Sentry Performance", "Railway metrics (CPU, memory)", "Slow MongoDB queries"),
            fixes=("Add indexes for slow queries", "Scale resources on Railway", "Optimise the code"),
            detected_by=(named("backend p95"),),
        ),
        Incident(
            title="AI endpoints timing out",
            severity="P2",
            symptoms=("Timeouts on /ai/email/generate", "Celery tasks piling up"),
            checks=("Claude API status", "Celery worker logs", "Redis queue size"),
            fixes=("Raise the timeout", "Scale Celery workers", "Add retry logic"),
            detected_by=("AI endpoints",),
        ),
    ]
