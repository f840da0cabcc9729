"""`vigil drill`: a fire drill of the real alerting path, measured.

Between the command layer (commands/drill.py builds the accounts' clients and renders) and the APIs:
``plan`` decides what is drilled and against which target; ``uptime`` makes monitors fail and waits
for detection and each alert; ``sentry`` sends a burst through a DSN and waits for the alert;
``lock`` keeps two drills of one environment apart; ``runner`` ties them together and always cleans
up. Nothing here prints: results go to a callback as they arrive.
"""
