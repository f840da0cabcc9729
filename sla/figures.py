"""The arithmetic of the report: percentiles, incident spans in a window, MTTR, error rates."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from vigil.sla.report import IncidentSpan


def p95(values: Sequence[float]) -> float | None:
    """The 95th percentile, interpolated between closest ranks (statistics' "inclusive" method, the
    one Sentry's and most dashboards' p95 agrees with); None without values."""
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    return round(statistics.quantiles(values, n=100, method="inclusive")[94], 3)


def mean(values: Sequence[float]) -> float | None:
    return round(statistics.fmean(values), 3) if values else None


def mttr(incidents: Sequence[IncidentSpan]) -> float | None:
    """Mean time to resolve the window's incidents; an open one counts with its duration so far (an
    outage that is still going must not make the mean look better)."""
    durations = [i.duration_s for i in incidents]
    return round(statistics.fmean(durations), 1) if durations else None


def error_rate_pct(errors: int, transactions: int, sample_rate: float) -> float | None:
    """Errors per request, in percent: requests are the accepted transactions over the traces sample
    rate (errors are not sampled, transactions are); None without any transaction."""
    if transactions <= 0:
        return None
    requests = transactions / (sample_rate if 0 < sample_rate <= 1 else 1.0)
    return round(100.0 * errors / requests, 4)
