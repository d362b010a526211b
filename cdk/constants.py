"""Names and fixed facts of the infrastructure, defined once (per-environment values live in cdk.json)."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared import tables
from shared.route_table import ROUTE_SELECTION_EXPRESSION as ROUTE_SELECTION_EXPRESSION
from shared.tables import TableDefinition

APP_NAME = "Motivator"

# Regions: CloudFront's WAF web ACL and certificate must live in us-east-1.
EDGE_REGION = "us-east-1"

# Stack names: "Motivator-{env}-{part}"; the CI/CD stack is account-wide.
DATA_STACK = "Data"
AUTH_STACK = "Auth"
CHAT_API_STACK = "ChatApi"
EDGE_STACK = "Edge"
WEB_STACK = "Web"
OBSERVABILITY_STACK = "Observability"
CICD_STACK_NAME = f"{APP_NAME}-Cicd"

# Lambda.
LAMBDA_RUNTIME_VERSION = "3.12"
LAMBDA_PIP_PLATFORM = "manylinux2014_aarch64"
#: The Lambda runtime ships boto3/botocore, but an older one; bundling pins the version the code
#: was tested with (ConverseStream and guardrails need a recent botocore). Costs about 32 MB unzipped.
BUNDLE_AWS_SDK = True
AWS_SDK_DISTRIBUTIONS = ("boto3", "botocore", "s3transfer")
LAMBDA_SOURCE_PACKAGES = ("handlers", "shared")
LAMBDA_SOURCE_SUFFIXES = (".py", ".json", ".jsonl", ".txt")
LAMBDA_DEFAULT_TIMEOUT_S = 10
LAMBDA_DEFAULT_MEMORY_MB = 256
#: Largest unzipped deployment package Lambda accepts.
LAMBDA_MAX_UNZIPPED_BYTES = 250 * 1024 * 1024

# WebSocket API.
CONNECT_ROUTE = "$connect"
DISCONNECT_ROUTE = "$disconnect"
DEFAULT_ROUTE = "$default"
#: Access log fields. Deliberately no query string or headers: the browser's Cognito token is the
#: `token` query parameter of $connect.
ACCESS_LOG_FORMAT: dict[str, str] = {
    "requestId": "$context.requestId",
    "extendedRequestId": "$context.extendedRequestId",
    "connectionId": "$context.connectionId",
    "routeKey": "$context.routeKey",
    "eventType": "$context.eventType",
    "status": "$context.status",
    "requestTime": "$context.requestTime",
    "sourceIp": "$context.identity.sourceIp",
    "userAgent": "$context.identity.userAgent",
    "principalId": "$context.authorizer.principalId",
    "authorizerError": "$context.authorizer.error",
    "integrationLatency": "$context.integrationLatency",
    "integrationStatus": "$context.integration.status",
    "errorMessage": "$context.error.message",
}

# DynamoDB action sets, named by what a handler does with a table.
DDB_READ = ("dynamodb:GetItem", "dynamodb:Query")
DDB_WRITE = ("dynamodb:PutItem", "dynamodb:UpdateItem")
DDB_DELETE = ("dynamodb:DeleteItem", "dynamodb:BatchWriteItem")
#: Every handler that posts frames reads its connection record (the user when the authorizer context lacks
#: it) and deletes it when API Gateway answers 410 Gone (shared.connections.handle_gone).
DDB_CONNECTION_CLEANUP = ("dynamodb:GetItem", "dynamodb:DeleteItem")
#: What Powertools' idempotency utility calls on its table.
DDB_IDEMPOTENCY = ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem")


@dataclass(frozen=True)
class FunctionSpec:
    """One Lambda function: its module in handlers/, its route, and exactly what it may touch."""

    name: str
    module: str
    route: str | None
    table_actions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    manage_connections: bool = True
    invokes_bedrock: bool = False
    timeout_s: int = LAMBDA_DEFAULT_TIMEOUT_S
    memory_mb: int = LAMBDA_DEFAULT_MEMORY_MB

    @property
    def handler(self) -> str:
        return f"handlers.{self.module}.handler"


def _on(*pairs: tuple[TableDefinition, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Table access keyed by the shared definition's logical name (actions sorted, deduplicated)."""
    return {definition.logical_name: tuple(sorted(set(actions))) for definition, actions in pairs}


#: The authorizer only verifies the JWT against Cognito's public JWKS: no AWS permissions at all.
AUTHORIZER = FunctionSpec(name="Authorizer", module="authorizer", route=None, manage_connections=False)

#: Route handlers. The table access here is the whole IAM story of each function.
ROUTE_FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        name="Connect",
        module="connect",
        route=CONNECT_ROUTE,
        table_actions=_on((tables.CONNECTIONS, ("dynamodb:PutItem",))),
        manage_connections=False,
    ),
    FunctionSpec(
        name="Disconnect",
        module="disconnect",
        route=DISCONNECT_ROUTE,
        table_actions=_on((tables.CONNECTIONS, ("dynamodb:GetItem", "dynamodb:DeleteItem"))),
        manage_connections=False,
    ),
    FunctionSpec(
        name="Default",
        module="default",
        route=DEFAULT_ROUTE,
        table_actions=_on((tables.CONNECTIONS, DDB_CONNECTION_CLEANUP)),
    ),
    FunctionSpec(
        name="SendMessage",
        module="send_message",
        route="sendMessage",
        table_actions=_on(
            (tables.CONNECTIONS, DDB_CONNECTION_CLEANUP),
            (tables.CONVERSATIONS, DDB_READ + DDB_WRITE),
            (tables.RATE_LIMITS, ("dynamodb:GetItem", *DDB_WRITE)),
            (tables.IDEMPOTENCY, DDB_IDEMPOTENCY),
        ),
        invokes_bedrock=True,
        timeout_s=120,
        memory_mb=512,
    ),
    FunctionSpec(
        name="Ping",
        module="ping",
        route="ping",
        table_actions=_on((tables.CONNECTIONS, DDB_CONNECTION_CLEANUP)),
    ),
    FunctionSpec(
        name="Feedback",
        module="feedback",
        route="feedback",
        table_actions=_on((tables.CONNECTIONS, DDB_CONNECTION_CLEANUP), (tables.CONVERSATIONS, DDB_READ + DDB_WRITE)),
    ),
    FunctionSpec(
        name="History",
        module="history",
        route="history",
        table_actions=_on((tables.CONNECTIONS, DDB_CONNECTION_CLEANUP), (tables.CONVERSATIONS, DDB_READ)),
    ),
    FunctionSpec(
        name="Resume",
        module="resume",
        route="resume",
        table_actions=_on((tables.CONNECTIONS, DDB_CONNECTION_CLEANUP), (tables.CONVERSATIONS, DDB_READ)),
        timeout_s=60,
    ),
    FunctionSpec(
        name="Stop",
        module="stop",
        route="stop",
        table_actions=_on(
            (tables.CONNECTIONS, DDB_CONNECTION_CLEANUP), (tables.CONVERSATIONS, (*DDB_READ, "dynamodb:UpdateItem"))
        ),
    ),
    FunctionSpec(
        name="DeleteHistory",
        module="delete_history",
        route="deleteHistory",
        table_actions=_on((tables.CONNECTIONS, DDB_CONNECTION_CLEANUP), (tables.CONVERSATIONS, DDB_READ + DDB_DELETE)),
        timeout_s=30,
    ),
)

ALL_FUNCTIONS: tuple[FunctionSpec, ...] = (AUTHORIZER, *ROUTE_FUNCTIONS)

# Web client (Reflex on ECS Fargate).
WEB_CONTAINER_NAME = "webclient"
WEB_DOCKERFILE_DIR = "webclient"
WEB_CPU_TARGET_PERCENT = 60
WEB_AUTOSCALING_MIN = 1
WEB_AUTOSCALING_MAX = 10

# WAF.
WAF_RATE_LIMIT_PER_5_MIN = 2000
WAF_RATE_WINDOW_S = 300
WAF_MANAGED_RULE_GROUPS = ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet")

# Alarms.
ERROR_RATE_THRESHOLD_PERCENT = 5
ERROR_RATE_MINUTES = 5
TTFT_P90_THRESHOLD_MS = 5000
TTFT_P90_MINUTES = 3
FALLBACK_SPIKE_MINUTES = 5

# GitHub OIDC.
GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com"
GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com"
CDK_BOOTSTRAP_QUALIFIER = "hnb659fds"

#: Environment of the web client container (public configuration only).
WEB_CLIENT_ENV_WEBSOCKET_URL = "MOTIVATOR_WS_URL"
WEB_CLIENT_ENV_USER_POOL_ID = "COGNITO_USER_POOL_ID"
WEB_CLIENT_ENV_CLIENT_ID = "COGNITO_CLIENT_ID"
WEB_CLIENT_ENV_REGION = "COGNITO_REGION"
