"""Sentry and Slack resources as Pulumi dynamic providers (Sentry's current org-scoped API)."""
