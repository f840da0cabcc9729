"""Renderers: result objects in, terminal text or one JSON document out. No API calls here."""
