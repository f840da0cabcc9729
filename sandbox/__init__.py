"""Local emulators of the Uptime Robot v3, Sentry and Slack APIs (the sandbox).

One package per API (``uptimerobot/``, ``sentry/``, ``slack/``), each with ``models.py`` (state and
logic, no HTTP), ``responses.py`` (wire in, wire out), ``routes.py`` (URL table) and ``errors.py``
(documented errors). What they share (dispatch, auth, error rendering, pagination, rate limits,
faults, persistence, the ``/_sandbox/`` control plane) lives in ``sandbox/core``.
"""
