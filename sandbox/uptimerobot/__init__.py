"""Uptime Robot API v3 emulator."""
