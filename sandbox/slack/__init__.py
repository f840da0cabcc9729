"""Slack emulator: the Web API methods vigil uses and incoming webhooks (messages are recorded)."""
