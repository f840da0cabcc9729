"""The Sentry emulator's stats: ``stats_v2`` (org stats), ``events-stats`` and the aggregate events
table, computed from the events ingested through a DSN, and the organization's issues search;
bad parameters are 400s, never 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from tests.conftest import ProjectDir
from tests.sla.sla_world import World, make_world, own_sandbox  # noqa: F401 (a fixture)
from vigil.sandbox.core.server import SandboxServer

HOUR = 3600


@pytest.fixture
def world(
    own_sandbox: SandboxServer,  # noqa: F811 (the imported fixture)
    project: ProjectDir,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[World]:
    yield make_world(own_sandbox, project.root, monkeypatch)


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def get(world: World, path: str, **params: Any) -> requests.Response:
    return requests.get(
        f"{world.sentry_url}/api/0/organizations/{world.org}/{path}",
        params=params,
        headers={"Authorization": f"Bearer {world.sentry_token}"},
        timeout=10,
    )


def aligned_hour(world: World) -> float:
    return (world.now() // HOUR) * HOUR - 3 * HOUR  # three whole hours ago


def test_stats_v2_counts_accepted_errors_and_transactions_per_interval(world: World) -> None:
    base = aligned_hour(world)
    world.send(world.errors(2, base + 60) + world.transactions([100.0] * 3, base + 120))
    world.send(world.errors(1, base + HOUR + 60))
    response = get(world, "stats_v2/", field="sum(quantity)", groupBy=["category", "outcome"],
                   start=iso(base), end=iso(base + 2 * HOUR), interval="1h")  # fmt: skip
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["intervals"] == [iso(base), iso(base + HOUR)]
    groups = {(g["by"]["category"], g["by"]["outcome"]): g for g in document["groups"]}
    assert set(groups) == {("error", "accepted"), ("transaction", "accepted")}
    assert groups["error", "accepted"]["totals"] == {"sum(quantity)": 3}
    assert groups["error", "accepted"]["series"] == {"sum(quantity)": [2, 1]}
    assert groups["transaction", "accepted"]["series"] == {"sum(quantity)": [3, 0]}


def test_stats_v2_filters_category_and_project_and_by_project_gives_totals_only(world: World) -> None:
    base = aligned_hour(world)
    world.send(world.errors(4, base + 60) + world.transactions([50.0], base + 60))
    response = get(world, "stats_v2/", field="sum(quantity)", groupBy="project", category="error",
                   project=world.project_id, start=iso(base), end=iso(base + HOUR))  # fmt: skip
    assert response.status_code == 200, response.text
    [group] = response.json()["groups"]
    assert group == {"by": {"project": int(world.project_id)}, "totals": {"sum(quantity)": 4}}
    rejected = get(world, "stats_v2/", field="sum(quantity)", groupBy="category", outcome="filtered",
                   start=iso(base), end=iso(base + HOUR))  # fmt: skip
    assert rejected.status_code == 200 and rejected.json()["groups"] == []  # all ingested was accepted


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"groupBy": "category"}, "field"),
        ({"field": "sum(quantity)"}, "groupBy"),
        ({"field": "sum(quantity)", "groupBy": "colour"}, "groupBy"),
        ({"field": "sum(quantity)", "groupBy": "category", "statsPeriod": "soon"}, "detail"),
        ({"field": "sum(quantity)", "groupBy": "category", "interval": "1s", "statsPeriod": "90d"}, "detail"),
        ({"field": "sum(quantity)", "groupBy": "category", "project": "12"}, "detail"),
        (
            {
                "field": "sum(quantity)",
                "groupBy": "category",
                "statsPeriod": "99999999d",
                "interval": "99999999d",
            },
            "detail",
        ),
        (
            {
                "field": "sum(quantity)",
                "groupBy": "category",
                "start": "2026-01-02T00:00:00Z",
                "end": "2026-01-01",
            },
            "detail",
        ),
        ({"field": "sum(quantity)", "groupBy": "category", "start": "yesterday", "end": "today"}, "detail"),
    ],
)
def test_stats_v2_refuses_bad_parameters_with_400(world: World, params: dict[str, str], field: str) -> None:
    response = get(world, "stats_v2/", **params)
    assert response.status_code == 400, response.text
    assert field in response.json()


def test_events_table_gives_the_p95_of_the_window_and_null_without_transactions(world: World) -> None:
    base = aligned_hour(world)
    world.send(world.transactions([100.0 * i for i in range(1, 21)], base + 600))
    window = {"start": iso(base), "end": iso(base + HOUR), "project": world.project_id}
    response = get(world, "events/", field=["p95(transaction.duration)", "count()"],
                   query="event.type:transaction", **window)  # fmt: skip
    assert response.status_code == 200, response.text
    [row] = response.json()["data"]
    assert row["count()"] == 20 and row["p95(transaction.duration)"] == pytest.approx(1905.0, abs=0.01)
    empty = get(
        world, "events/", field="p95(transaction.duration)", start=iso(base - 2 * HOUR), end=iso(base)
    )
    assert empty.json()["data"] == [{"p95(transaction.duration)": None}]
    assert get(world, "events/", field="title").status_code == 400
    long_ago = get(world, "events/", field="count()", statsPeriod="3650d")  # one row, however long
    assert long_ago.status_code == 200 and long_ago.json()["data"] == [{"count()": 20}]


def test_events_stats_gives_p95_and_count_per_bucket(world: World) -> None:
    base = aligned_hour(world)
    world.send(world.transactions([100.0, 300.0], base + 60) + world.transactions([1000.0], base + HOUR + 60))
    window = {"start": iso(base), "end": iso(base + 2 * HOUR), "interval": "1h", "project": world.project_id}
    single = get(world, "events-stats/", yAxis="p95(transaction.duration)", **window)
    assert single.status_code == 200, single.text
    assert single.json()["data"] == [[int(base), [{"count": 290.0}]], [int(base + HOUR), [{"count": 1000.0}]]]
    both = get(world, "events-stats/", yAxis=["count()", "p95(transaction.duration)"], **window).json()
    assert [point[1][0]["count"] for point in both["count()"]["data"]] == [2, 1]
    assert both["p95(transaction.duration)"]["order"] == 1
    assert get(world, "events-stats/", yAxis="p95(title)", **window).status_code == 400
    assert get(world, "events-stats/", query="release:1.0", **window).status_code == 400


def test_issues_search_lists_the_issues_ingested_errors_opened(world: World) -> None:
    start = world.now() - 60
    world.send(world.errors(3, world.now()))  # three messages: three issues
    found = get(world, "issues/", project=world.project_id, query=f"firstSeen:>={iso(start)}")
    assert found.status_code == 200, found.text
    issues = found.json()
    assert len(issues) == 3
    assert sorted(issue["title"] for issue in issues) == [f"ValueError: boom {i}" for i in range(3)]
    assert {issue["status"] for issue in issues} == {"unresolved"}
    assert {issue["project"]["id"] for issue in issues} == {str(world.project_id)}
    later = get(world, "issues/", query=f"firstSeen:>={iso(world.now() + 60)}")
    assert later.status_code == 200 and later.json() == []  # none opened after that moment
    assert get(world, "issues/", query="is:resolved").json() == []  # the default is:unresolved, here flipped
    page = get(world, "issues/", per_page=2)
    assert len(page.json()) == 2 and 'rel="next"; results="true"' in page.headers["Link"]


@pytest.mark.parametrize("query", ["assigned:me", "firstSeen:>=yesterday", "is:ignored"])
def test_issues_search_refuses_terms_it_does_not_know_with_400(world: World, query: str) -> None:
    response = get(world, "issues/", query=query)
    assert response.status_code == 400, response.text
    assert "query" in response.text or "firstSeen" in response.text
