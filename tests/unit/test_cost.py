"""The cost model: measured counts per answer become a monthly bill, every price with its page and date."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from cdk.constants import CACHE_NODE_TYPES
from devtools import cost
from devtools.prices import PRICES

#: Counts of the shape `make bench` writes (cost_inputs), at 60 tokens/s.
MEASURED: dict[str, Any] = {
    "pace_tokens_per_s": 60,
    "posts_per_answer": 21,
    "post_bytes_per_answer": 9000,
    "log_bytes_per_answer": 6000,
    "output_tokens": 201,
    "input_tokens_local_estimate": 900,
    "handler_overhead_ms": 45.0,
    "stream_s": 3.4,
    "dynamodb_reads": 32,
    "dynamodb_writes": 15,
    "dynamodb_read_units": 32.0,
    "dynamodb_write_units": 32.0,
    "dynamodb_bytes": 40000,
    "dynamodb_reads_while_streaming": 31,
}
SERVICES = {
    "API Gateway", "Lambda", "DynamoDB", "Bedrock", "Cognito", "Fargate", "ElastiCache", "NAT", "CloudFront", "WAF",
    "CloudWatch", "ALB", "X-Ray",
}  # fmt: skip


def test_every_price_names_its_page_and_date() -> None:
    # Given the prices table
    # Then each price is positive and says where and when it was read
    for name, price in PRICES.items():
        assert price.usd > 0, name
        assert "." in price.source and price.read, name


def test_the_default_model_has_a_price() -> None:
    # Given the model the handlers call by default
    model = cost.Usage(1).model_id
    # Then its input and output tokens are priced
    assert f"bedrock:{model}:in" in PRICES and f"bedrock:{model}:out" in PRICES


def test_the_bill_covers_every_service_and_leaves_model_and_identity_out_of_the_target() -> None:
    # Given measured counts and 100,000 daily users
    usage = cost.Usage(100_000)
    # When the bill is made
    lines = cost.bill(MEASURED, usage)
    # Then every service is on it, and the infrastructure figure is the bill without the model and identity
    assert {line.service for line in lines} == SERVICES
    infra = sum(line.usd for line in lines if line.service not in {"Bedrock", "Cognito"})
    assert cost.infrastructure_per_1000(MEASURED, usage) == pytest.approx(infra / usage.answers * 1000)


def test_an_answer_costs_less_at_scale() -> None:
    # Given the same answers at 1,000 and at 100,000 daily users
    # Then fixed costs spread: a thousand answers cost less at scale
    assert cost.infrastructure_per_1000(MEASURED, cost.Usage(100_000)) < cost.infrastructure_per_1000(
        MEASURED, cost.Usage(1_000)
    )


def test_posting_every_token_costs_more_than_coalesced_frames() -> None:
    # Given the measured frames, and one message per token instead
    per_token = cost._lever(MEASURED, {"per_token": True})
    usage = cost.Usage(100_000)
    # Then one message per token makes the bill larger
    assert cost.infrastructure_per_1000(per_token, usage) > cost.infrastructure_per_1000(MEASURED, usage)


def test_the_command_prints_both_bills_from_what_the_bench_wrote(tmp_path: Path, capsys: Any) -> None:
    # Given what the bench wrote
    bench = tmp_path / "bench.json"
    bench.write_text(json.dumps({"cost_inputs": MEASURED}))
    # When the cost model runs on it
    cost.main(["--bench", str(bench)])
    # Then it prints a bill for 1,000 and 100,000 daily users, with the target verdict
    out = capsys.readouterr().out
    assert "1,000 daily users" in out and "100,000 daily users" in out
    assert out.count("per 1,000 answers (") == 2


def test_without_a_bench_run_it_says_what_to_run(tmp_path: Path) -> None:
    # Given no bench output
    # When the cost model runs, Then it stops and names the command
    with pytest.raises(SystemExit):
        cost.main(["--bench", str(tmp_path / "missing.json")])


def test_snapstart_adds_its_cache_for_every_function_and_a_restore_per_cold_start() -> None:
    # Given the same answers with SnapStart off and on
    off = cost.Usage(100_000)
    on = cost.Usage(100_000, snap_start=True)
    # When both bills are made
    added = {line.item for line in cost.bill(MEASURED, on)} - {line.item for line in cost.bill(MEASURED, off)}
    extra = cost.infrastructure_per_1000(MEASURED, on) - cost.infrastructure_per_1000(MEASURED, off)
    # Then SnapStart's two charges appear, and only they change the figure
    assert {item.split(" (")[0] for item in added} == {"SnapStart cache", "SnapStart restores"}
    snap = sum(line.usd for line in cost.bill(MEASURED, on) if line.item.startswith("SnapStart"))
    assert extra == pytest.approx(snap / on.answers * 1000) and extra > 0


def test_every_state_cache_node_type_the_stack_offers_has_a_node_price() -> None:
    # Given the node types cdk.json may name for the Reflex state cache
    # Then each one has an on-demand Valkey node-hour price
    for node_type in CACHE_NODE_TYPES:
        assert f"elasticache_valkey_node:{node_type}" in PRICES, node_type


@pytest.mark.parametrize(("users", "node_type"), [(1_000, "cache.t4g.micro"), (100_000, "cache.t4g.medium")])
def test_the_state_cache_is_the_smallest_node_type_that_holds_the_peak_and_carries_its_traffic(
    users: int, node_type: str
) -> None:
    # Given the load of so many daily users, with a replica beside the primary
    sizing = cost.cache_nodes(MEASURED, cost.Usage(users), replicas=1)
    # Then the chosen node type holds the peak's tab states and carries its traffic at its baseline,
    assert (sizing.node_type, sizing.nodes) == (node_type, 2)
    assert sizing.peak_mb <= sizing.usable_mb and sizing.peak_gbps <= sizing.baseline_gbps
    # every smaller one would not
    types = list(CACHE_NODE_TYPES)
    for smaller in types[: types.index(node_type)]:
        node = CACHE_NODE_TYPES[smaller]
        usable_mb = node.memory_gib * 2**30 * 0.75 / 1e6
        assert sizing.peak_mb > usable_mb or sizing.peak_gbps > node.baseline_gbps, smaller
    # and both nodes are billed every hour of the month
    assert sizing.usd == pytest.approx(2 * 730 * PRICES[f"elasticache_valkey_node:{node_type}"].usd)


def test_dev_runs_one_node_and_the_bill_carries_the_configured_replica() -> None:
    # Given dev without a replica, and the prod bill (prod keeps one)
    dev = cost.cache_nodes(MEASURED, cost.Usage(1), replicas=0)
    (line,) = (line for line in cost.bill(MEASURED, cost.Usage(1_000)) if line.service == "ElastiCache")
    # Then dev pays for one micro node, prod for a primary and its replica
    assert (dev.node_type, dev.nodes) == ("cache.t4g.micro", 1)
    assert line.item.startswith("2 x cache.t4g.micro")


def test_serverless_stays_a_comparison_at_its_smallest_size() -> None:
    # Given no traffic at all
    # Then ElastiCache Serverless would bill its 100 MB minimum: 0.1 GB x 730 h x $0.084
    assert cost.serverless_cache_usd(MEASURED, cost.Usage(0)) == pytest.approx(6.13, abs=0.01)


def test_the_web_tier_is_billed_as_cdk_deploys_it() -> None:
    # Given prod as cdk.json configures it (no NAT gateways, a micro cache node, desiredCount to maxCapacity tasks)
    web = cost._web()
    # When the bills at 1,000 and 100,000 daily users are made
    small = {line.item: line for line in cost.bill(MEASURED, cost.Usage(1_000))}
    large = {line.item: line for line in cost.bill(MEASURED, cost.Usage(100_000))}
    # Then the NAT lines cost what the configured gateways cost (nothing without any),
    nat = [line.usd for line in large.values() if line.service == "NAT"]
    assert sum(nat) == pytest.approx(web.nat_gateways * 730 * PRICES["nat_hour"].usd)
    # the small load runs on the deployed node type and desiredCount tasks,
    assert any(item.startswith(f"{1 + web.cache_replicas} x {web.cache_node_type} ") for item in small)
    assert any(item.startswith(f"{web.desired_count} web tasks ({web.cpu / 1024:g} vCPU") for item in small)
    # and the large one says the cache must be resized from what cdk.json deploys
    (cache,) = (item for item in large if item.endswith(f"cdk.json deploys {web.cache_node_type}: resize)"))
    assert cache.startswith(f"{1 + web.cache_replicas} x cache.t4g.medium ")


def test_browsers_fetch_the_hashed_assets_once_a_deploy_not_once_a_visit() -> None:
    # Given the same answers with assets fetched on every visit, and as the edge and browser caching leaves it
    usage = cost.Usage(100_000)
    every_visit = replace(usage, asset_downloads_per_person_month=usage.visits)

    def cdn(u: cost.Usage) -> float:
        return sum(line.usd for line in cost.bill(MEASURED, u) if line.service in {"CloudFront", "WAF"})

    # Then caching costs less, and fetching on every visit is the whole 1 MB app per visit
    assert cdn(usage) < cdn(every_visit) / 2
    gb = usage.visits * (usage.document_bytes_per_visit + usage.asset_bytes) / 1e9
    frames = 2 * usage.answers * MEASURED["post_bytes_per_answer"] / 1e9
    (data,) = (line for line in cost.bill(MEASURED, every_visit) if line.item.startswith("data to browsers"))
    assert data.usd == pytest.approx((gb + frames) * PRICES["cloudfront_gb"].usd)


def test_later_answers_of_a_conversation_are_billed_what_the_bench_measured_for_them() -> None:
    # Given a bench run whose later answer of a conversation wrote 4 units more than its first and read 1 more
    bench = {
        "cost_inputs": MEASURED,
        "dynamodb_units_in_a_conversation": [
            {"answer": "new conversation", "read_units": 15.0, "write_units": 27.0},
            {"answer": "same conversation", "read_units": 16.0, "write_units": 31.0},
        ],
    }
    usage = cost.Usage(100_000)  # 5 answers a day in one conversation: 4 of 5 are later ones
    # When its inputs are read and the bill made
    measured = cost.measured_inputs(bench)
    with_later = {line.item: line.usd for line in cost.bill(measured, usage)}
    first_only = {line.item: line.usd for line in cost.bill(MEASURED, usage)}
    # Then the write units are a first answer's plus 0.8 x 4 for every answer
    (writes,) = (item for item in with_later if item.endswith("M write units"))
    (base,) = (item for item in first_only if item.endswith("M write units"))
    extra = usage.answers * 0.8 * 4 * PRICES["dynamodb_wru"].usd
    assert with_later[writes] - first_only[base] == pytest.approx(extra)
