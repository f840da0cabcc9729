"""vigil sla: are we meeting our SLA? Live figures against the stack's targets (exit 0 met, 2 breached).

Reads the live accounts only (nothing is written, the engine does not run): Uptime Robot's monitor
list, incidents and per-monitor statistics, Sentry's org stats, and the drill history kept in the
environment's state backend. ``--serve`` keeps rebuilding the HTML page, at most every 30 s.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vigil.commands.context import EnvOption, JsonOption, RunEnvironment, app_context
from vigil.commands.errors import ExitCode, VigilError
from vigil.render.console import Output

if TYPE_CHECKING:
    from vigil.sla.report import SlaReport

REFRESH_S = 30  # the monitoring plan's dashboard auto-refresh
LOOPBACK = "127.0.0.1"


class SlaBreached(VigilError):
    exit_code = ExitCode.CHANGES  # 2: a target was breached (a scheduled job fails on it)


WindowOption = Annotated[
    str, typer.Option("--window", "-w", metavar="24h|7d|30d|90d", help="how far back to measure")
]


def _report(ctx: typer.Context, env: str, window: str) -> tuple[SlaReport, RunEnvironment]:
    from vigil.core import credentials
    from vigil.core.errors import ClientError
    from vigil.core.sentry import SentryClient
    from vigil.core.uptimerobot import UptimeRobotClient
    from vigil.engine import state_files
    from vigil.engine.drill_history import DrillHistory, DrillResult
    from vigil.sla.build import build_report
    from vigil.sla.targets import WINDOWS, targets_of
    from vigil.spec.outputs import MONITOR_IDS

    if window not in WINDOWS:
        raise VigilError(f"--window {window!r} is not one of {', '.join(WINDOWS)}", hint="e.g. --window 7d")
    context = app_context(ctx)
    loaded = context.stack(env)
    run_env = context.run_environment(env, loaded, accounts=True) if loaded.sandbox else None
    if run_env is None:  # real accounts: only the state backend is opened (no passphrase needed)
        run_env = context.run_environment(env, loaded, accounts=False)
    variables = run_env.variables
    stack = loaded.stack
    targets = targets_of(stack)
    store, project_name = context.state_store(env)

    outputs = state_files.plain_outputs(store, project_name, env)
    ids = outputs.get(MONITOR_IDS)
    monitor_ids = {str(k): str(v) for k, v in ids.items()} if isinstance(ids, dict) else None

    def drills(since: datetime) -> list[DrillResult]:
        return DrillHistory.in_store(store, project_name, env).load(since=since)

    def uptimerobot() -> UptimeRobotClient:
        return UptimeRobotClient(credentials.uptimerobot(variables))

    def sentry() -> SentryClient:
        return SentryClient(credentials.sentry(variables))

    try:
        report = build_report(
            app=stack.app,
            env=env,
            window=window,
            targets=targets,
            uptimerobot=uptimerobot if stack.monitors else None,
            sentry=sentry if stack.sentry_projects else None,
            drills=drills,
            monitor_ids=monitor_ids,
        )
    except ClientError as error:
        raise VigilError(f"the SLA of '{env}' could not be read: {error}") from None
    return report, run_env


def _write(path: Path, text: str, option: str, out: Output) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise VigilError(
            f"{option} {path}: cannot write it ({error.strerror})", hint="give a path in a writable folder"
        ) from None
    out.info(f"wrote {path}")


def _notify(report: SlaReport, run_env: RunEnvironment, out: Output) -> None:
    from vigil.core.errors import ClientError
    from vigil.core.slack import post_webhook
    from vigil.render.sla_markdown import slack_summary

    webhook = run_env.get("SLACK_WEBHOOK_URL")
    if not webhook:
        raise VigilError(
            "--notify slack needs SLACK_WEBHOOK_URL (the incidents channel's incoming webhook)",
            hint="export SLACK_WEBHOOK_URL from your secrets",
        )
    try:
        post_webhook(webhook, slack_summary(report))
    except ClientError as error:
        raise VigilError(f"the SLA summary was not sent to Slack: {error}") from None
    out.info("Slack: posted the SLA summary")


class _Page:
    """The served page, rebuilt on a request when older than ``REFRESH_S`` (one build at a time)."""

    def __init__(self, build: Callable[[], str]) -> None:
        self.build = build
        self.lock = threading.Lock()
        self.body = b""
        self.built_at = float("-inf")
        self.error = ""

    def current(self) -> bytes:
        with self.lock:
            if time.monotonic() - self.built_at >= REFRESH_S:
                try:
                    self.body, self.error = self.build().encode(), ""
                except VigilError as error:  # keep serving the last page, say why it is stale
                    self.error = error.message
                self.built_at = time.monotonic()
            return self.body


def _serve(page: _Page, port: int, out: Output) -> None:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?", 1)[0] not in ("/", "/index.html"):
                self.send_error(404)
                return
            body = page.current()
            self.send_response(200 if body else 503)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    try:
        server = ThreadingHTTPServer((LOOPBACK, port), Handler)
    except OSError as error:
        raise VigilError(
            f"cannot serve on {LOOPBACK}:{port}: {error.strerror}", hint="try --port 0"
        ) from None
    out.notice(
        f"serving the SLA page on http://{LOOPBACK}:{server.server_address[1]}/ (refresh {REFRESH_S}s)"
    )
    try:
        server.serve_forever()
    finally:
        server.server_close()


def sla(
    ctx: typer.Context,
    env: EnvOption,
    window: WindowOption = "7d",
    json: JsonOption = False,
    markdown: Annotated[
        Path | None, typer.Option("--markdown", metavar="FILE", help="write the report as Markdown")
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option("--html", metavar="FILE", help="write one self-contained HTML page with charts"),
    ] = None,
    serve: Annotated[
        bool,
        typer.Option("--serve", help=f"serve the HTML page on {LOOPBACK}, refreshed every {REFRESH_S} s"),
    ] = False,
    port: Annotated[int, typer.Option("--port", help="port for --serve (0: any free port)")] = 8730,
    notify: Annotated[
        str | None, typer.Option("--notify", metavar="slack", help="'slack': post the summary to the webhook")
    ] = None,
) -> None:
    """Uptime, incidents, MTTD/MTTR, error rate and latency against the stack's targets (exit 0 met,
    2 breached, 1 error)."""
    out = app_context(ctx).output(json)
    if notify not in (None, "slack"):
        raise VigilError(f"--notify {notify!r} is not supported", hint="use --notify slack")
    if serve:
        from vigil.render.sla_html import sla_html

        def build() -> str:
            return sla_html(_report(ctx, env, window)[0], refresh_s=REFRESH_S)

        page = _Page(build)
        page.current()  # the first build fails loudly (a bad stack, missing credentials)
        if page.error:
            raise VigilError(page.error)
        _serve(page, port, out)
        return
    report, run_env = _report(ctx, env, window)
    if markdown is not None:
        from vigil.render.sla_markdown import sla_markdown

        _write(markdown, sla_markdown(report), "--markdown", out)
    if html is not None:
        from vigil.render.sla_html import sla_html

        _write(html, sla_html(report), "--html", out)
    if notify:
        _notify(report, run_env, out)
    if json:
        out.document(report.as_dict())
    else:
        from vigil.render.sla import render_sla

        render_sla(out, report)
    if not report.met:
        raise SlaBreached(
            f"SLA of '{env}' breached over {window}: {', '.join(report.breaches)}", reported=json
        )
