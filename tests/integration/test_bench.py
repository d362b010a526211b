"""The bench runs every part against the real local stack and reports each figure the cost model and budgets need."""

from __future__ import annotations

from typing import Any

import pytest

from devtools.bench import __main__ as bench
from devtools.bench import report

pytestmark = pytest.mark.integration

#: Every part, as small as still says something (one pace, a handful of chats and connections).
TINY = bench.Sizes(
    paces=(report.COST_PACE,),
    pace_runs=1,
    path_runs=2,
    overhead_runs=2,
    stop_runs=1,
    chats=3,
    import_runs=1,
    idle_connections=20,
)
NUMBERS_BY_PACE = ("frames_per_200_tokens", "per_token_ratio", "max_token_hold_ms", "first_delta_p50_ms")
COUNTS = (
    "sequential_round_trips_before_model",
    "round_trips_on_token_path",
    "concurrent_chats",
    "idle_connections",
)


@pytest.fixture(scope="module")
def figures() -> dict[str, Any]:
    return report.as_json(bench.run(TINY))


def test_per_pace_figures_are_numbers_for_each_pace(figures: dict[str, Any]) -> None:
    # Given a bench run at one pace, Then each per-pace figure has a positive number for it
    for key in NUMBERS_BY_PACE:
        assert set(figures[key]) == {f"{report.COST_PACE:g}"}, key
        assert all(isinstance(v, float) and v > 0 for v in figures[key].values()), key


def test_counts_rates_and_memory_have_sensible_types(figures: dict[str, Any]) -> None:
    # Then the counts are whole numbers, the rate a ratio and the memory a size
    for key in COUNTS:
        assert isinstance(figures[key], int) and figures[key] >= 0, key
    assert figures["concurrent_chats"] == TINY.chats and figures["idle_connections"] == TINY.idle_connections
    assert 0 < figures["delivered_rate_ratio"] < 2
    assert figures["kib_per_connection"] > 0


def test_every_route_has_an_import_time(figures: dict[str, Any]) -> None:
    # Then each handler (the authorizer too) has its cold-start import time, and the first traced call's cost
    imports = figures["handler_import_ms"]
    assert {"$authorizer", "sendMessage", "ping"} <= set(imports)
    assert all(isinstance(ms, float) and ms > 0 for ms in imports.values())
    assert set(figures["first_traced_call_ms"]) == set(imports)


def test_an_answer_makes_one_round_trip_before_the_model_and_none_on_the_token_path(figures: dict[str, Any]) -> None:
    # Then the key and the token are settled in one round trip (the session read alongside), first answer or later
    assert figures["sequential_round_trips_before_model"] == 1
    assert all(len(a["in_sequence"]) == 1 for a in figures["round_trips_before_model_by_answer"])
    assert figures["round_trips_on_token_path"] == 0


def test_cost_inputs_are_what_the_cost_model_reads(figures: dict[str, Any]) -> None:
    # Then the cost model can price what the bench measured
    from devtools import cost

    assert cost.infrastructure_per_1000(figures["cost_inputs"], cost.Usage(100_000)) > 0
