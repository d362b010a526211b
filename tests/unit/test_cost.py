"""The cost model: measured counts per answer become a monthly bill, every price with its page and date."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

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
