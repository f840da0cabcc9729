"""Sentry emulator: the org-scoped API vigil uses (teams, projects, keys, detectors, workflows,
integrations, dashboards), envelope ingest, and 410s on the retired alert endpoints."""
