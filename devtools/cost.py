"""`python -m devtools.cost`: the bench's counts per answer as a monthly AWS bill at 1,000 and 100,000 daily users.

Measured (`make bench` writes them to .motivator/bench.json): messages posted and their bytes, DynamoDB reads,
writes and request units, the handler's own time, log bytes and tokens of a 200-token answer. Assumed (below, each
named): how people use the product, how fast the production model writes, what the web tier needs. Prices are
devtools.prices, each with its page and date. The target (DESIGN.md section 6, issue 18): infrastructure, the model
and identity excluded, at most $0.05 per 1,000 answers at 100,000 daily users.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cdk.config import WebConfig
from cdk.constants import (
    ALL_FUNCTIONS,
    CACHE_NODE_TYPES,
    CACHE_RESERVED_MEMORY_FRACTION,
    LAMBDA_DEFAULT_MEMORY_MB,
    ROUTE_FUNCTIONS,
)
from devtools.prices import LOOKED_UP, PRICES, price
from shared.metric_names import MetricName
from shared.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
TARGET_PER_1000_ANSWERS = 0.05
HOURS_PER_MONTH = 730
DAYS_PER_MONTH = 30


@dataclass(frozen=True)
class Usage:
    """How the product is used, and what production runs on: assumptions, not measurements."""

    daily_users: int
    answers_per_user_day: float = 5
    #: Conversations a person starts a day: the other answers are later ones in a conversation.
    conversations_per_user_day: float = 1
    #: Monthly active users per daily user (a DAU/MAU of 0.5): what Cognito bills.
    mau_per_daily_user: float = 2.0
    #: One visit a day; the web tier holds the API Gateway connection while the page is open.
    connection_minutes_per_visit: float = 15
    #: Other requests in a visit besides sendMessage (each one inbound message and one reply): history pages, pings.
    other_requests_per_visit: int = 4
    #: The production model's pace and first-token time while the Lambda waits (Claude 3.5 Haiku on Bedrock,
    #: standard: 65-68 tokens/s, 0.70-0.81 s to first token, artificialanalysis.ai/models/claude-3-5-haiku/providers).
    model_tokens_per_s: float = 65
    model_first_token_s: float = 0.75
    #: The local Bedrock counts words; English runs about 1.33 tokens a word.
    tokens_per_word: float = 1.33
    #: A short route's billed time (authorizer, connect, disconnect, history, ping).
    short_route_ms: float = 30
    #: One browser tab's Reflex state in the cache (assumed, not measured: about 10 turns on screen of ~2 KB each and
    #: the conversation list); Reflex reads and writes it whole on every event and every streamed update.
    reflex_state_kb: float = 20
    #: Reflex keeps a tab's state this long after its last event (its redis_token_expiration default, 1 hour).
    reflex_state_ttl_min: float = 60
    #: Reflex events in a visit besides the streamed updates (page load, sign-in, sidebar, history).
    reflex_events_per_visit: int = 10
    #: Each signed-in tab's watcher reads two small keys every 2 s (webclient/motivator_web/state/tabs.py).
    tab_watch_reads_per_s: float = 1.0
    #: Reflex sessions one web task serves, and the peak-to-average ratio of people online.
    sessions_per_task: int = 500
    peak_factor: float = 3.0
    #: The Reflex app a browser loads: its page documents and per-visit requests, which CloudFront never caches,
    #: and its content-hashed /assets/ files, which the Web stack caches at the edge and in browsers for a year
    #: (cdk/stacks/web.py HASHED_ASSETS_PATH) (assumed: a 1 MB app, 5% of it documents, 25 of its 30 requests assets).
    document_bytes_per_visit: int = 50_000
    document_requests_per_visit: int = 5
    asset_bytes: int = 950_000
    asset_requests: int = 25
    #: Times a month a person's browser fetches the assets again: each deploy changes their hashes (one a week).
    asset_downloads_per_person_month: float = 4
    #: API Gateway's access log line per inbound message.
    access_log_bytes: int = 600
    alarms: int = 10
    #: X-Ray's default sampling: the first request each second, then 5%.
    xray_reservoir_per_s: float = 1.0
    xray_rate: float = 0.05
    model_id: str = Settings.model_fields["bedrock_model_id"].default
    sendmessage_memory_mb: int = next(f.memory_mb for f in ROUTE_FUNCTIONS if f.route == "sendMessage")
    #: Lambda SnapStart on every handler (cdk.json `snapStart`): each function's live version cached all month,
    #: one restore per new execution environment.
    snap_start: bool = False
    #: Invocations that start a new execution environment: "typically ... under 1% of invocations"
    #: (aws.amazon.com/blogs/compute/understanding-and-remediating-cold-starts-an-aws-lambda-perspective/).
    cold_start_share: float = 0.01

    @property
    def answers(self) -> float:
        return self.daily_users * self.answers_per_user_day * DAYS_PER_MONTH

    @property
    def later_answer_share(self) -> float:
        return max(0.0, 1 - self.conversations_per_user_day / self.answers_per_user_day)

    @property
    def visits(self) -> float:
        return self.daily_users * DAYS_PER_MONTH


@dataclass(frozen=True)
class Line:
    service: str
    item: str
    usd: float
    excluded: bool = False  # the model and identity, outside the infrastructure target


def _web(environment: str = "prod") -> WebConfig:
    """The web tier as CDK deploys it: cdk.json's values for the environment, with cdk.config's defaults."""
    return WebConfig.model_validate(
        json.loads((ROOT / "cdk.json").read_text())["context"]["environments"][environment]["web"]
    )


def _lambda_gb_s(m: dict[str, Any], u: Usage) -> tuple[float, float, float]:
    """(GB-seconds a month, sendMessage seconds an answer, short invocations a month)."""
    send_s = m["handler_overhead_ms"] / 1000 + u.model_first_token_s + m["output_tokens"] / u.model_tokens_per_s
    short = u.visits * (3 + u.other_requests_per_visit)  # authorizer, connect, disconnect, and the other requests
    send_gb_s = u.answers * send_s * u.sendmessage_memory_mb / 1024
    short_gb_s = short * u.short_route_ms / 1000 * LAMBDA_DEFAULT_MEMORY_MB / 1024
    return send_gb_s + short_gb_s, send_s, short


def _dynamodb_units(m: dict[str, Any], u: Usage) -> tuple[float, float]:
    """(read units, write units) a month: the stop polls scale with how long production streams, and the answers
    after a conversation's first read and write what the bench measured for them beyond a first answer."""
    stream_s = u.model_first_token_s + m["output_tokens"] / u.model_tokens_per_s
    polls = m["dynamodb_reads_while_streaming"] * (stream_s / m["stream_s"] - 1) if m["stream_s"] else 0.0
    later = u.later_answer_share
    reads = m["dynamodb_read_units"] + polls + later * m.get(LATER_READ_UNITS, 0.0)
    writes = m["dynamodb_write_units"] + later * m.get(LATER_WRITE_UNITS, 0.0)
    return u.answers * reads + u.visits * 4, u.answers * writes + u.visits * 2


#: What a later answer of a conversation reads and writes beyond its first (from the bench's
#: `dynamodb_units_in_a_conversation`): it updates a session item that carries the recent turns.
LATER_READ_UNITS = "dynamodb_later_answer_extra_read_units"
LATER_WRITE_UNITS = "dynamodb_later_answer_extra_write_units"


def measured_inputs(bench: dict[str, Any]) -> dict[str, Any]:
    """The bench's cost inputs, with what a later answer of a conversation costs beyond its first."""
    measured = dict(bench["cost_inputs"])
    units = {entry["answer"]: entry for entry in bench.get("dynamodb_units_in_a_conversation", [])}
    first, later = units.get("new conversation"), units.get("same conversation")
    if first and later:
        measured[LATER_READ_UNITS] = later["read_units"] - first["read_units"]
        measured[LATER_WRITE_UNITS] = later["write_units"] - first["write_units"]
    return measured


def _per_answer_lines(m: dict[str, Any], u: Usage) -> list[Line]:
    messages = u.answers * (1 + m["posts_per_answer"]) + u.visits * 2 * u.other_requests_per_visit
    minutes = u.visits * u.connection_minutes_per_visit
    gb_s, send_s, short = _lambda_gb_s(m, u)
    reads, writes = _dynamodb_units(m, u)
    stored_gb = u.answers * m["dynamodb_bytes"] / 2 / 1e9  # about half of what an answer moves stays stored
    tokens_in, tokens_out = m["input_tokens_local_estimate"] * u.tokens_per_word, m["output_tokens"]
    return [
        Line("API Gateway", f"{messages / 1e6:.1f} M messages", messages * price("apigw_message")),
        Line("API Gateway", "connection minutes", minutes * price("apigw_connection_minute")),
        Line("Lambda", f"{gb_s / 1e6:.2f} M GB-s (sendMessage {send_s:.1f} s at {u.sendmessage_memory_mb} MB)",
             gb_s * price("lambda_gb_s_arm")),
        Line("Lambda", "requests", (u.answers + short) * price("lambda_request")),
        Line("DynamoDB", f"{reads / 1e6:.1f} M read units", reads * price("dynamodb_rru")),
        Line("DynamoDB", f"{writes / 1e6:.1f} M write units", writes * price("dynamodb_wru")),
        Line("DynamoDB", "storage added this month", stored_gb * price("dynamodb_gb_month")),
        Line("Bedrock", f"input ({tokens_in:.0f} tokens an answer)",
             u.answers * tokens_in * price(f"bedrock:{u.model_id}:in"), excluded=True),
        Line("Bedrock", f"output ({tokens_out:.0f} tokens)",
             u.answers * tokens_out * price(f"bedrock:{u.model_id}:out"), excluded=True),
    ]  # fmt: skip


def _identity_lines(u: Usage) -> list[Line]:
    mau = u.daily_users * u.mau_per_daily_user
    usd = max(0.0, mau - 10_000) * price("cognito_essentials_mau")
    return [Line("Cognito", f"Essentials, {mau:,.0f} MAU", usd, excluded=True)]


def _web_lines(m: dict[str, Any], u: Usage) -> list[Line]:
    web = _web()
    online = u.daily_users * u.connection_minutes_per_visit / (24 * 60)
    needed = math.ceil(online * u.peak_factor / u.sessions_per_task)
    # The service scales between desiredCount and maxCapacity (cdk/components/web_service.py).
    tasks = min(web.max_capacity, max(web.desired_count, needed))
    capped = f"; {needed} needed, capped at maxCapacity" if needed > web.max_capacity else ""
    vcpu, gib = web.cpu / 1024, web.memory_mib / 1024
    task_hour = vcpu * price("fargate_arm_vcpu_hour") + gib * price("fargate_arm_gb_hour")
    frame_gb = u.answers * m["post_bytes_per_answer"] / 1e9
    asset_fetches = u.daily_users * u.mau_per_daily_user * u.asset_downloads_per_person_month
    asset_fetches = min(asset_fetches, u.visits)  # a browser fetches them at most once a visit
    cdn_gb = (u.visits * u.document_bytes_per_visit + asset_fetches * u.asset_bytes) / 1e9 + 2 * frame_gb
    requests = u.visits * u.document_requests_per_visit + asset_fetches * u.asset_requests
    alb = HOURS_PER_MONTH * (price("alb_hour") + price("alb_lcu_hour") * max(1, online / 3000))
    waf = price("waf_acl_month") + 3 * price("waf_rule_month") + requests * price("waf_request")
    cache = cache_nodes(m, u, replicas=web.cache_replicas, deployed=web.cache_node_type)
    resize = "" if cache.node_type == web.cache_node_type else f"; cdk.json deploys {web.cache_node_type}: resize"
    nat_gb = frame_gb * bool(web.nat_gateways)  # without NAT gateways the frames reach the tasks' public IPs
    return [
        Line("Fargate", f"{tasks} web tasks ({vcpu:g} vCPU, {gib:g} GB, arm64{capped})",
             tasks * task_hour * HOURS_PER_MONTH),
        Line("ALB", "load balancer and LCUs", alb),
        Line("NAT", f"{web.nat_gateways} gateways", web.nat_gateways * HOURS_PER_MONTH * price("nat_hour")),
        Line("NAT", "frames from API Gateway to the web tasks", nat_gb * price("nat_gb")),
        Line("CloudFront", f"data to browsers ({cdn_gb / 1e3:.2f} TB: documents, assets on {asset_fetches / 1e6:.2f} M "
             "fetches, streamed updates)", cdn_gb * price("cloudfront_gb")),
        Line("CloudFront", "HTTPS requests", requests / 1e4 * price("cloudfront_https_10k")),
        Line("WAF", "web ACL, 3 rules, requests", waf),
        Line("ElastiCache", f"{cache.nodes} x {cache.node_type} Valkey nodes (Reflex state{resize})", cache.usd),
    ]  # fmt: skip


#: ElastiCache Serverless bills at least this much data stored (Valkey; Redis OSS: 1 GB).
CACHE_MIN_GB = 0.1
#: Each state update moves the tab's state three times through the primary: read, written, streamed to the replica.
CACHE_BYTES_PER_UPDATE = 3


def _cache_updates(m: dict[str, Any], u: Usage) -> float:
    """Reflex state updates a month: the streamed frames of an answer plus 4 events around it, and each visit's
    events; each one reads and writes the tab's state whole (no Reflex oplock)."""
    return u.answers * (m["posts_per_answer"] + 4) + u.visits * u.reflex_events_per_visit


def _live_states(u: Usage) -> float:
    """Tab states held on average: a visit's minutes plus the hour Reflex keeps the state after its last event."""
    return u.daily_users / 24 * (u.connection_minutes_per_visit + u.reflex_state_ttl_min) / 60


@dataclass(frozen=True)
class CacheSizing:
    """The node-based state cache a load needs: the smallest node type whose usable memory holds the tab states at
    the peak and whose baseline bandwidth carries the peak's state traffic."""

    node_type: str
    nodes: int
    peak_states: float
    peak_mb: float
    usable_mb: float
    peak_gbps: float
    baseline_gbps: float

    @property
    def usd(self) -> float:
        return self.nodes * HOURS_PER_MONTH * price(f"elasticache_valkey_node:{self.node_type}")


def cache_nodes(m: dict[str, Any], u: Usage, replicas: int, deployed: str | None = None) -> CacheSizing:
    """The node type the load needs: the deployed one (cdk.json `web.cacheNodeType`) when it suffices, else the
    smallest larger one."""
    types = list(CACHE_NODE_TYPES)
    candidates = types[types.index(deployed) :] if deployed else types
    peak_states = _live_states(u) * u.peak_factor
    peak_mb = peak_states * u.reflex_state_kb / 1e3
    peak_updates_per_s = _cache_updates(m, u) / (DAYS_PER_MONTH * 86400) * u.peak_factor
    peak_gbps = peak_updates_per_s * CACHE_BYTES_PER_UPDATE * u.reflex_state_kb * 8e3 / 1e9
    for node_type in candidates:
        node = CACHE_NODE_TYPES[node_type]
        usable_mb = node.memory_gib * 2**30 * (1 - CACHE_RESERVED_MEMORY_FRACTION) / 1e6
        if peak_mb <= usable_mb and peak_gbps <= node.baseline_gbps:
            return CacheSizing(node_type, 1 + replicas, peak_states, peak_mb, usable_mb, peak_gbps, node.baseline_gbps)
    raise ValueError(f"no node type of CACHE_NODE_TYPES holds {peak_mb:.0f} MB at {peak_gbps:.3f} Gbps")


def serverless_cache_usd(m: dict[str, Any], u: Usage) -> float:
    """What ElastiCache Serverless (Valkey) would bill for the same state, for comparison only: Reflex cannot use it
    (cluster mode only, no keyspace notifications; docs/deploy.md: Shared web state). One ECPU per KB moved."""
    stored_gb = max(CACHE_MIN_GB, _live_states(u) * u.reflex_state_kb / 1e6)
    ecpus = _cache_updates(m, u) * 2 * u.reflex_state_kb
    return stored_gb * HOURS_PER_MONTH * price("elasticache_valkey_gb_hour") + ecpus * price("elasticache_valkey_ecpu")


def _cache_report(measured: dict[str, Any], out: list[str]) -> None:
    dev_web, prod_web = _web("dev"), _web()
    dev = cache_nodes(measured, Usage(1), replicas=dev_web.cache_replicas, deployed=dev_web.cache_node_type)
    out += ["", "the Reflex state cache (node-based Valkey, cluster mode disabled; a tab's state "
            f"{Usage(1).reflex_state_kb:g} KB, peak {Usage(1).peak_factor:g}x the average):"]  # fmt: skip
    out.append(f"  dev, one {dev.node_type} node: ${dev.usd:.2f} a month")
    for users in (1_000, 100_000):
        usage = Usage(users)
        sizing = cache_nodes(measured, usage, replicas=prod_web.cache_replicas, deployed=prod_web.cache_node_type)
        out.append(
            f"  {users:,} daily users: {sizing.peak_states:,.0f} tabs at the peak x {usage.reflex_state_kb:g} KB = "
            f"{sizing.peak_mb:,.1f} MB (of {sizing.usable_mb:,.0f} MB usable), "
            f"{sizing.peak_gbps * 1000:,.1f} Mbit/s of state traffic (baseline {sizing.baseline_gbps * 1000:,.0f}): "
            f"{sizing.nodes} x {sizing.node_type} = ${sizing.usd:.2f} a month; "
            f"serverless would be ${serverless_cache_usd(measured, usage):.2f} (not usable with Reflex)"
        )
    idle = serverless_cache_usd(measured, Usage(0))
    out.append(f"  serverless at its smallest size (the 100 MB minimum): ${idle:.2f}")


def _observability_lines(m: dict[str, Any], u: Usage) -> list[Line]:
    inbound = u.answers + u.visits * (3 + u.other_requests_per_visit)
    log_gb = (u.answers * m["log_bytes_per_answer"] + inbound * u.access_log_bytes) / 1e9
    month_s = DAYS_PER_MONTH * 86400
    sampled = min(inbound, month_s * u.xray_reservoir_per_s + u.xray_rate * inbound)
    fixed = price("dashboard_month") + u.alarms * price("alarm_month") + len(MetricName) * price("metric_month")
    traces = max(0.0, sampled - 1e5) * price("xray_trace")
    return [
        Line("CloudWatch", f"{log_gb:.1f} GB of logs", log_gb * price("logs_gb")),
        Line("CloudWatch", f"dashboard, {u.alarms} alarms, {len(MetricName)} metrics", fixed),
        Line("X-Ray", f"traces ({inbound / month_s:.1f} invocations/s, default sampling)", traces),
    ]


def _snap_start_lines(m: dict[str, Any], u: Usage) -> list[Line]:
    """SnapStart for Python: the snapshot of each function's live version cached, and each restore."""
    if not u.snap_start:
        return []
    memory_gb = {
        f.name: (u.sendmessage_memory_mb if f.route == "sendMessage" else f.memory_mb) / 1024 for f in ALL_FUNCTIONS
    }
    cached = sum(memory_gb.values()) * HOURS_PER_MONTH * 3600 * price("snapstart_cache_gb_s")
    _, _, short = _lambda_gb_s(m, u)
    restored_gb = u.cold_start_share * (u.answers * memory_gb["SendMessage"] + short * LAMBDA_DEFAULT_MEMORY_MB / 1024)
    return [
        Line("Lambda", f"SnapStart cache ({len(memory_gb)} live versions, {sum(memory_gb.values()):.1f} GB)", cached),
        Line("Lambda", f"SnapStart restores ({u.cold_start_share:.0%} of invocations)",
             restored_gb * price("snapstart_restore_gb")),
    ]  # fmt: skip


def bill(measured: dict[str, Any], usage: Usage) -> list[Line]:
    lines = [*_per_answer_lines(measured, usage), *_identity_lines(usage), *_web_lines(measured, usage)]
    return [*lines, *_snap_start_lines(measured, usage), *_observability_lines(measured, usage)]


def infrastructure_per_1000(measured: dict[str, Any], usage: Usage) -> float:
    return sum(line.usd for line in bill(measured, usage) if not line.excluded) / usage.answers * 1000


def _print_bill(measured: dict[str, Any], usage: Usage, out: list[str]) -> None:
    lines = sorted(bill(measured, usage), key=lambda line: -line.usd)
    per = 1000 / usage.answers
    out.append(
        f"{usage.daily_users:,} daily users x {usage.answers_per_user_day:g} answers: {usage.answers:,.0f} a month"
    )
    out.append(f"  {'service':12} {'month':>11} {'per 1,000 answers':>18}  item")
    for line in lines:
        mark = "  (excluded from the target)" if line.excluded else ""
        out.append(f"  {line.service:12} ${line.usd:10,.2f} ${line.usd * per:17.4f}  {line.item}{mark}")
    total = sum(line.usd for line in lines)
    infra = infrastructure_per_1000(measured, usage)
    out.append(f"  {'total':12} ${total:10,.2f} ${total * per:17.4f}")
    verdict = "within" if infra <= TARGET_PER_1000_ANSWERS else "over"
    out.append(f"  infrastructure without the model and identity: ${infra:.4f} per 1,000 answers "
               f"({verdict} the ${TARGET_PER_1000_ANSWERS} target)")  # fmt: skip


#: What-ifs at 100,000 daily users: a change, and the measured inputs and usage it implies.
LEVERS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("one message per token (what peers post)", {"per_token": True}, {}),
    ("sendMessage at 256 MB instead of 512 MB", {}, {"sendmessage_memory_mb": 256}),
    ("sendMessage at 128 MB", {}, {"sendmessage_memory_mb": 128}),
    ("stop polled every 0.5 s, eventually consistent (a tenth of the units)", {"poll_factor": 0.1}, {}),
    ("half the write units (the turn written at its end, the session's context kept shorter)", {"writes": 0.5}, {}),
    ("the web client's assets fetched once a month, not once a week", {}, {"asset_downloads_per_person_month": 1}),
    ("SnapStart on every handler (cold starts from a snapshot)", {}, {"snap_start": True}),
    ("128 MB, polls, writes and monthly asset fetches together", {"poll_factor": 0.1, "writes": 0.5},
     {"sendmessage_memory_mb": 128, "asset_downloads_per_person_month": 1}),
]  # fmt: skip


def _lever(measured: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    m = dict(measured)
    if change.get("per_token"):
        m["posts_per_answer"] = m["output_tokens"] + 3
    if "writes" in change:
        m["dynamodb_write_units"] *= change["writes"]
    if "poll_factor" in change:
        streaming_units = m["dynamodb_reads_while_streaming"]
        m["dynamodb_read_units"] -= streaming_units * (1 - change["poll_factor"])
        m["dynamodb_reads_while_streaming"] *= change["poll_factor"]
    return m


def report(measured: dict[str, Any]) -> str:
    out = [f"prices: devtools/prices.py ({len(PRICES)} list prices, looked up {LOOKED_UP}); model {Usage(1).model_id}"]
    for users in (1_000, 100_000):
        out.append("")
        _print_bill(measured, Usage(users), out)
    base = infrastructure_per_1000(measured, Usage(100_000))
    _cache_report(measured, out)
    out += ["", "what would move it at 100,000 daily users (infrastructure per 1,000 answers):"]
    for name, change, usage_change in LEVERS:
        value = infrastructure_per_1000(_lever(measured, change), replace(Usage(100_000), **usage_change))
        out.append(f"  ${value:.4f} ({value - base:+.4f})  {name}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devtools.cost", description=__doc__)
    parser.add_argument("--bench", type=Path, default=Path(".motivator/bench.json"), help="what `make bench` wrote")
    args = parser.parse_args(argv)
    if not args.bench.exists():
        parser.error(f"{args.bench} is missing: run `make bench` (or `python -m devtools.bench --quick`) first")
    measured = measured_inputs(json.loads(args.bench.read_text()))
    sys.stdout.write(report(measured) + "\n")


if __name__ == "__main__":
    main()
