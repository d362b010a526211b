"""AWS list prices (USD, US regions) that devtools.cost uses: one table, each price with its page and date.

`read` is the date of the copy the price was read from (a dated transcription of the AWS page, or the page as
stored); every price was looked up on LOOKED_UP. AWS renders most of its rate tables in the browser, so several
prices come from a transcription of the page's worked examples or from a third party quoting the AWS page; the
source says which. Prices change: check the page before relying on a bill.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from shared.model_client import foundation_model_id

LOOKED_UP = "2026-12-01"
#: Dated transcriptions of AWS pricing pages' worked examples (github.com/api-evangelist/<service>/plans/).
_T = "api-evangelist transcription of aws.amazon.com"
APIGW = f"{_T}/api-gateway/pricing/"
LAMBDA = "aws.amazon.com/lambda/pricing/ as quoted by cloudchipr.com/blog/aws-lambda-pricing"
SNAPSTART = "awsnegotiations.com/blog/lambda-snapstart-cost-impact/ quoting aws.amazon.com/lambda/pricing/"
DYNAMODB = (
    "aws.amazon.com/dynamodb/pricing/on-demand/ quoted by airbyte.com/data-engineering-resources/dynamodb-pricing"
)
HAIKU_3 = "inventivehq.com/blog/aws-bedrock-pricing-guide (Bedrock on-demand table)"
HAIKU_35 = "deploybase.ai/articles/amazon-bedrock-pricing quoting aws.amazon.com/bedrock/pricing/"
HAIKU_45 = "clauder-navi.com/en/bedrock-claude-cost/"
NOVA = "pristren.com/blog/amazon-nova-micro-ultra-fast (Bedrock on-demand table, with Claude 3 Haiku beside it)"
FARGATE = "vantage.sh/blog/fargate-pricing (us-east-1)"
VALKEY = "usage.ai/blogs/aws/database-savings-plans/elasticache/serverless-pricing/"
#: Node-hours: AWS bills Valkey nodes 20% below Redis OSS nodes (aws.amazon.com/elasticache/pricing/); the Redis OSS
#: on-demand rates (t4g micro/small/medium $0.016, $0.032, $0.065 an hour, m7g large/xlarge $0.158, $0.315;
#: us-west-2 as us-east-1) from a third-party rate table, times 0.8.
VALKEY_NODE = "aws.amazon.com/elasticache/pricing/ (Valkey 20% below Redis OSS) on a third-party Redis OSS rate table"
CLOUDFRONT = "github.com/vreutova/infracost-idem-support/pull/15 quoting aws.amazon.com/cloudfront/pricing/"
WAF = "c3x.dev/blog/aws-waf-cost-explained/"
LOGS = "github.com/vreutova/infracost-idem-support/pull/2 quoting aws.amazon.com/cloudwatch/pricing/"
METRICS = "github.com/nishinoshake/aws-rough/issues/37 quoting aws.amazon.com/jp/cloudwatch/pricing/"


@dataclass(frozen=True)
class Price:
    usd: float
    unit: str
    source: str
    read: str


P = Price
PRICES: dict[str, Price] = {
    # API Gateway WebSocket APIs: messages metered in 32 KB units; first billion a month at this rate.
    "apigw_message": P(1.00e-6, "message (32 KB unit)", APIGW, "2026-09-20"),
    "apigw_connection_minute": P(0.25e-6, "connection minute", APIGW, "2026-09-20"),
    # Lambda (us-east-1), arm64.
    "lambda_gb_s_arm": P(0.0000133334, "GB-second, arm64, first 7.5B/month", LAMBDA, "2024"),
    "lambda_request": P(0.20e-6, "request", f"{_T}/lambda/pricing/", "2026-09-20"),
    "snapstart_cache_gb_s": P(0.0000015046, "GB-second of snapshot cached (Python)", SNAPSTART, "2026-05"),
    "snapstart_restore_gb": P(0.0001397998, "GB restored (Python)", SNAPSTART, "2026-05"),
    # DynamoDB on-demand (us-east-1; the November 2024 price cut).
    "dynamodb_wru": P(0.625e-6, "write request unit (1 KB)", DYNAMODB, "2025"),
    "dynamodb_rru": P(0.125e-6, "read request unit (4 KB strongly consistent)", DYNAMODB, "2025"),
    "dynamodb_gb_month": P(0.25, "GB-month stored", "aws.amazon.com/dynamodb/pricing/on-demand/", "2025"),
    # Bedrock on-demand, per token (the default model is shared.settings' bedrock_model_id).
    "bedrock:anthropic.claude-3-haiku-20240307-v1:0:in": P(0.25e-6, "input token", HAIKU_3, "2025"),
    "bedrock:anthropic.claude-3-haiku-20240307-v1:0:out": P(1.25e-6, "output token", HAIKU_3, "2025"),
    "bedrock:anthropic.claude-3-5-haiku-20241022-v1:0:in": P(0.80e-6, "input token", HAIKU_35, "2026-03-21"),
    "bedrock:anthropic.claude-3-5-haiku-20241022-v1:0:out": P(4.00e-6, "output token", HAIKU_35, "2026-03-21"),
    "bedrock:anthropic.claude-haiku-4-5-20251001-v1:0:in": P(1.00e-6, "input token", HAIKU_45, "2026"),
    "bedrock:anthropic.claude-haiku-4-5-20251001-v1:0:out": P(5.00e-6, "output token", HAIKU_45, "2026"),
    "bedrock:amazon.nova-micro-v1:0:in": P(0.035e-6, "input token", NOVA, "2026"),
    "bedrock:amazon.nova-micro-v1:0:out": P(0.14e-6, "output token", NOVA, "2026"),
    "bedrock:amazon.nova-lite-v1:0:in": P(0.06e-6, "input token", NOVA, "2026"),
    "bedrock:amazon.nova-lite-v1:0:out": P(0.24e-6, "output token", NOVA, "2026"),
    # Cognito user pools, per monthly active user above the free tier (Lite and Essentials: 10,000 free).
    "cognito_lite_mau": P(0.0055, "MAU (10,000 free)", f"{_T}/cognito/pricing/", "2026-09-20"),
    "cognito_essentials_mau": P(0.015, "MAU (10,000 free)", f"{_T}/cognito/pricing/", "2026-09-20"),
    "cognito_plus_mau": P(0.020, "MAU (no free tier)", f"{_T}/cognito/pricing/", "2026-09-20"),
    # The web tier.
    "fargate_arm_vcpu_hour": P(0.03238, "vCPU-hour, Linux/ARM", FARGATE, "2025"),
    "fargate_arm_gb_hour": P(0.00356, "GB-hour, Linux/ARM", FARGATE, "2025"),
    "alb_hour": P(0.0225, "load balancer-hour", f"{_T}/elasticloadbalancing/pricing/", "2026-09-20"),
    "alb_lcu_hour": P(0.008, "LCU-hour", f"{_T}/elasticloadbalancing/pricing/", "2026-09-20"),
    # ElastiCache node-based Valkey (what the Web stack runs, one price per node type it offers: cdk.constants
    # CACHE_NODE_TYPES), on demand, us-west-2.
    "elasticache_valkey_node:cache.t4g.micro": P(0.0128, "node-hour, Valkey, on demand", VALKEY_NODE, "2024-01"),
    "elasticache_valkey_node:cache.t4g.small": P(0.0256, "node-hour, Valkey, on demand", VALKEY_NODE, "2024-01"),
    "elasticache_valkey_node:cache.t4g.medium": P(0.052, "node-hour, Valkey, on demand", VALKEY_NODE, "2024-01"),
    "elasticache_valkey_node:cache.m7g.large": P(0.1264, "node-hour, Valkey, on demand", VALKEY_NODE, "2024-01"),
    "elasticache_valkey_node:cache.m7g.xlarge": P(0.252, "node-hour, Valkey, on demand", VALKEY_NODE, "2024-01"),
    # ElastiCache Serverless, for the comparison in docs/cost.md only: Reflex cannot use it (docs/deploy.md).
    "elasticache_valkey_gb_hour": P(0.084, "GB-hour stored (100 MB minimum)", VALKEY, "2026-06"),
    "elasticache_valkey_ecpu": P(0.0023e-6, "ECPU", VALKEY, "2026-06"),
    # Redis OSS on ElastiCache Serverless, for the comparison in docs/cost.md (the Web stack runs Valkey).
    "elasticache_redis_gb_hour": P(0.125, "GB-hour stored (1 GB minimum)", VALKEY, "2026-06"),
    "elasticache_redis_ecpu": P(0.0034e-6, "ECPU", VALKEY, "2026-06"),
    "nat_hour": P(0.045, "NAT gateway-hour", f"{_T}/vpc/pricing/", "2026-09-20"),
    "nat_gb": P(0.045, "GB processed", f"{_T}/vpc/pricing/", "2026-09-20"),
    "endpoint_az_hour": P(
        0.01, "interface endpoint per AZ-hour", "gist.github.com/jousby/8a5e422d94821074b957a59d125b27a8", "2022"
    ),
    "endpoint_gb": P(0.01, "GB processed (first PB)", "aws.amazon.com/jp/privatelink/pricing/", "stored copy"),
    "cloudfront_gb": P(0.085, "GB out, first 10 TB, North America", CLOUDFRONT, "2023"),
    "cloudfront_https_10k": P(0.0100, "10,000 HTTPS requests", CLOUDFRONT, "2023"),
    "waf_acl_month": P(5.00, "web ACL-month", WAF, "2026"),
    "waf_rule_month": P(1.00, "rule-month", WAF, "2026"),
    "waf_request": P(0.60e-6, "request inspected", WAF, "2026"),
    "logs_gb": P(0.50, "GB of logs ingested", LOGS, "2023"),
    "metric_month": P(0.30, "custom metric-month, first 10,000", METRICS, "2022"),
    "dashboard_month": P(3.00, "dashboard-month", METRICS, "2022"),
    "alarm_month": P(0.10, "standard alarm metric-month", LOGS, "2023"),
    "xray_trace": P(5.00e-6, "trace recorded (100,000 free a month)", "aws.amazon.com/de/xray/pricing/", "stored copy"),
}


def price(name: str) -> float:
    return PRICES[name].usd


#: The answer the model comparison prices (docs/deploy.md: Model): the system prompt, context and message in,
#: the header and a few sentences out.
ANSWER_INPUT_TOKENS = 1_000
ANSWER_OUTPUT_TOKENS = 200


def bedrock_models() -> list[str]:
    """The foundation model IDs with on-demand token prices here, in table order."""
    return [name.split(":", 1)[1].rsplit(":", 1)[0] for name in PRICES if name.startswith("bedrock:") and
            name.endswith(":in")]  # fmt: skip


def answer_cost(
    model_id: str, input_tokens: int = ANSWER_INPUT_TOKENS, output_tokens: int = ANSWER_OUTPUT_TOKENS
) -> float:
    """USD for one answer of that many tokens; a cross-region profile ("us.…") costs what its model costs."""
    model = foundation_model_id(model_id) or model_id
    return input_tokens * price(f"bedrock:{model}:in") + output_tokens * price(f"bedrock:{model}:out")


def comparison() -> str:
    """The per-answer model comparison of docs/deploy.md, as a Markdown table."""
    lines = [
        f"| model | $ per answer ({ANSWER_INPUT_TOKENS:,} in + {ANSWER_OUTPUT_TOKENS} out) | $ per million answers |",
        "|---|---|---|",
    ]
    for model in bedrock_models():
        cost = answer_cost(model)
        lines.append(f"| `{model}` | {cost:.6f} | {cost * 1e6:,.0f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(comparison() + "\n")
