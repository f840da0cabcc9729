"""Are we meeting our SLA? The stack's targets against what the live accounts measured.

``targets`` reads the targets from the validated stack; ``uptime`` and ``errors`` read the live
accounts (batched, through core/'s clients); ``figures`` holds the arithmetic; ``build`` puts them
into one ``SlaReport`` (``report``) that the renderers print. Nothing here prints or exits.
"""
