"""Names and fixed facts of the infrastructure, defined once (per-environment values live in cdk.json)."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared import route_table, tables
from shared.dashboard import (  # noqa: F401  (the application's alarms are defined with the dashboard)
    CHAT_ERROR_RATE_MINUTES,
    CHAT_ERROR_RATE_THRESHOLD_PERCENT,
    CRISIS_REFERRAL_HOURS,
    FALLBACK_SPIKE_MINUTES,
    JWKS_FAILURE_MINUTES,
    MODEL_THROTTLE_MINUTES,
    MODEL_THROTTLE_THRESHOLD,
    TTFT_P90_MINUTES,
    TTFT_P90_THRESHOLD_MS,
)
from shared.metric_names import MetricName
from shared.rest import paths as rest_paths
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
#: Account-wide settings, one stack per account and region: "Motivator-Account-{region}".
ACCOUNT_STACK = "Account"

# Lambda.
LAMBDA_RUNTIME_VERSION = "3.12"
LAMBDA_PIP_PLATFORM = "manylinux2014_aarch64"
#: Also accepted: wheels built for glibc 2.28 (Pillow 13 ships only these). The python3.12 runtime is Amazon Linux
#: 2023, glibc 2.34, so they run there; the asset's recipe asks pip for both tags.
LAMBDA_NEWER_MANYLINUX = "manylinux_2_28"
#: The Lambda runtime ships boto3/botocore, but an older one; bundling pins the version the code
#: was tested with (ConverseStream and guardrails need a recent botocore). Costs about 32 MB unzipped.
BUNDLE_AWS_SDK = True
AWS_SDK_DISTRIBUTIONS = ("boto3", "botocore", "s3transfer")
LAMBDA_SOURCE_PACKAGES = ("handlers", "shared")
#: `.ttf`: the verse card's bundled open font (shared/fonts, with its licence); Lambda has no system fonts.
LAMBDA_SOURCE_SUFFIXES = (".py", ".json", ".jsonl", ".txt", ".ttf")
LAMBDA_DEFAULT_TIMEOUT_S = 10
LAMBDA_DEFAULT_MEMORY_MB = 256
#: Largest unzipped deployment package Lambda accepts.
LAMBDA_MAX_UNZIPPED_BYTES = 250 * 1024 * 1024

# WebSocket API (routes and their handler modules: shared.route_table).
#: The authorizer's identity source: API Gateway itself answers 401, without invoking the authorizer, when a
#: connect request lacks it. The web tier's Reflex server and the terminal client both send this header.
AUTHORIZER_IDENTITY_SOURCE = "route.request.header.Authorization"
#: Access log fields. Deliberately no query string or headers: they carry the Cognito token at $connect.
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
    """One Lambda function: its route (None: the $connect authorizer) and exactly what it may touch; its handler
    module comes from shared.route_table, which the emulator and replay read too."""

    name: str
    route: str | None
    table_actions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    manage_connections: bool = True
    invokes_bedrock: bool = False
    timeout_s: int = LAMBDA_DEFAULT_TIMEOUT_S
    memory_mb: int = LAMBDA_DEFAULT_MEMORY_MB
    #: A function behind another API than the WebSocket one (the REST API): its handler module.
    handler_module: str | None = None
    #: May delete a user of the pool (cognito-idp:AdminDeleteUser): the REST API's "delete my account".
    deletes_users: bool = False

    @property
    def module_path(self) -> str:
        if self.handler_module:
            return self.handler_module
        return route_table.AUTHORIZER if self.route is None else route_table.ROUTES[self.route]

    @property
    def module(self) -> str:
        """The module's file name in handlers/, e.g. `send_message`."""
        return self.module_path.rsplit(".", 1)[1]

    @property
    def handler(self) -> str:
        return f"{self.module_path}.handler"


def _on(*pairs: tuple[TableDefinition, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Table access keyed by the shared definition's logical name (actions sorted, deduplicated)."""
    return {definition.logical_name: tuple(sorted(set(actions))) for definition, actions in pairs}


#: The authorizer only verifies the JWT against Cognito's public JWKS: no AWS permissions at all.
AUTHORIZER = FunctionSpec(name="Authorizer", route=None, manage_connections=False)

#: Route handlers. The table access here is the whole IAM story of each function.
ROUTE_FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        name="Connect",
        route=route_table.CONNECT,
        table_actions=_on((tables.CONNECTIONS, ("dynamodb:PutItem",))),
        manage_connections=False,
    ),
    FunctionSpec(
        name="Disconnect",
        route=route_table.DISCONNECT,
        table_actions=_on((tables.CONNECTIONS, ("dynamodb:GetItem", "dynamodb:DeleteItem"))),
        manage_connections=False,
    ),
    FunctionSpec(
        name="Default",
        route=route_table.DEFAULT,
        table_actions=_on((tables.CONNECTIONS, DDB_CONNECTION_CLEANUP)),
    ),
    FunctionSpec(
        name="SendMessage",
        route="sendMessage",
        table_actions=_on(
            (tables.CONNECTIONS, DDB_CONNECTION_CLEANUP),
            (tables.CONVERSATIONS, DDB_READ + DDB_WRITE),
            (tables.RATE_LIMITS, ("dynamodb:UpdateItem",)),  # one conditional update, never read first
            (tables.IDEMPOTENCY, DDB_IDEMPOTENCY),
        ),
        invokes_bedrock=True,
        timeout_s=120,
        memory_mb=512,
    ),
    FunctionSpec(
        name="Ping",
        route="ping",
        table_actions=_on((tables.CONNECTIONS, DDB_CONNECTION_CLEANUP)),
    ),
    FunctionSpec(
        name="Feedback",
        route="feedback",
        table_actions=_on((tables.CONNECTIONS, DDB_CONNECTION_CLEANUP), (tables.CONVERSATIONS, DDB_READ + DDB_WRITE)),
    ),
    FunctionSpec(
        name="History",
        route="history",
        table_actions=_on((tables.CONNECTIONS, DDB_CONNECTION_CLEANUP), (tables.CONVERSATIONS, DDB_READ)),
    ),
    FunctionSpec(
        name="Resume",
        route="resume",
        table_actions=_on((tables.CONNECTIONS, DDB_CONNECTION_CLEANUP), (tables.CONVERSATIONS, DDB_READ)),
        timeout_s=60,
    ),
    FunctionSpec(
        name="Stop",
        route="stop",
        table_actions=_on(
            (tables.CONNECTIONS, DDB_CONNECTION_CLEANUP), (tables.CONVERSATIONS, (*DDB_READ, "dynamodb:UpdateItem"))
        ),
    ),
    FunctionSpec(
        name="DeleteHistory",
        route="deleteHistory",
        table_actions=_on((tables.CONNECTIONS, DDB_CONNECTION_CLEANUP), (tables.CONVERSATIONS, DDB_READ + DDB_DELETE)),
        timeout_s=30,
    ),
    # One conditional UpdateItem of the person's own session item (its key holds their user id).
    FunctionSpec(
        name="RenameConversation",
        route="renameConversation",
        table_actions=_on(
            (tables.CONNECTIONS, DDB_CONNECTION_CLEANUP), (tables.CONVERSATIONS, ("dynamodb:UpdateItem",))
        ),
    ),
    # Verse capabilities (issue 17): the person's settings item lives in the Conversations table.
    FunctionSpec(
        name="Settings",
        route="settings",
        table_actions=_on(
            (tables.CONNECTIONS, DDB_CONNECTION_CLEANUP),
            (tables.CONVERSATIONS, ("dynamodb:GetItem", "dynamodb:UpdateItem")),
        ),
    ),
    FunctionSpec(
        name="VerseOfTheDay",
        route="verseOfTheDay",
        table_actions=_on((tables.CONNECTIONS, DDB_CONNECTION_CLEANUP), (tables.CONVERSATIONS, ("dynamodb:GetItem",))),
    ),
    # The same turn pipeline as SendMessage, so the same access, model and limits.
    FunctionSpec(
        name="AnotherVerse",
        route="anotherVerse",
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
    # Saved verses live in the Conversations table beside the person's sessions (docs/data-model.md).
    FunctionSpec(
        name="SaveVerse",
        route="saveVerse",
        table_actions=_on(
            (tables.CONNECTIONS, DDB_CONNECTION_CLEANUP),
            (tables.CONVERSATIONS, (*DDB_READ, "dynamodb:PutItem", "dynamodb:DeleteItem")),
        ),
    ),
    FunctionSpec(
        name="SavedVerses",
        route="savedVerses",
        table_actions=_on((tables.CONNECTIONS, DDB_CONNECTION_CLEANUP), (tables.CONVERSATIONS, DDB_READ)),
    ),
    # Share links (shared/shares.py): two items written (or deleted and marked) in one transaction, which IAM
    # authorizes per item action; the turn and the person's translation are read first.
    FunctionSpec(
        name="ShareVerse",
        route="shareVerse",
        table_actions=_on(
            (tables.CONNECTIONS, DDB_CONNECTION_CLEANUP), (tables.CONVERSATIONS, (*DDB_READ, "dynamodb:PutItem"))
        ),
    ),
    FunctionSpec(
        name="SharedVerses",
        route="sharedVerses",
        table_actions=_on((tables.CONNECTIONS, DDB_CONNECTION_CLEANUP), (tables.CONVERSATIONS, ("dynamodb:Query",))),
    ),
    FunctionSpec(
        name="RevokeShare",
        route="revokeShare",
        table_actions=_on(
            (tables.CONNECTIONS, DDB_CONNECTION_CLEANUP),
            (tables.CONVERSATIONS, ("dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem")),
        ),
    ),
)

# REST API (issue 17, item 8): one function behind every route of the HTTP API (shared/rest/paths.py).
#: HTTP API's integration timeout is 30 s at most; the turn's deadline is the function's, so it ends before it.
HTTP_API_INTEGRATION_TIMEOUT_S = 30
REST_API = FunctionSpec(
    name="RestApi",
    route=None,
    handler_module=rest_paths.HANDLER,
    # Chat and feedback as SendMessage; exporting reads, and deleting the account removes, every item of the person.
    table_actions=_on(
        (tables.CONVERSATIONS, DDB_READ + DDB_WRITE + DDB_DELETE),
        (tables.RATE_LIMITS, ("dynamodb:GetItem", *DDB_WRITE, *DDB_DELETE)),
        (tables.IDEMPOTENCY, DDB_IDEMPOTENCY + DDB_DELETE),
        (tables.CONNECTIONS, ("dynamodb:Scan", *DDB_DELETE)),
    ),
    manage_connections=False,
    invokes_bedrock=True,
    deletes_users=True,
    timeout_s=HTTP_API_INTEGRATION_TIMEOUT_S - 1,
    memory_mb=512,
)
#: Access log fields of the HTTP API (no headers: they carry the token).
HTTP_ACCESS_LOG_FORMAT: dict[str, str] = {
    "requestId": "$context.requestId",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "requestTime": "$context.requestTime",
    "sourceIp": "$context.identity.sourceIp",
    "userAgent": "$context.identity.userAgent",
    "principalId": "$context.authorizer.claims.sub",
    "authorizerError": "$context.authorizer.error",
    "integrationLatency": "$context.integrationLatency",
    "integrationStatus": "$context.integration.status",
    "errorMessage": "$context.error.message",
}

ALL_FUNCTIONS: tuple[FunctionSpec, ...] = (AUTHORIZER, *ROUTE_FUNCTIONS, REST_API)

# Web client (Reflex on ECS Fargate).
WEB_CONTAINER_NAME = "webclient"
WEB_DOCKERFILE_DIR = "webclient"
#: The internal ALB's listener, which CloudFront's VPC origin calls (HTTP inside the VPC; viewers get HTTPS).
WEB_ALB_PORT = 80
#: AWS-managed prefix list of CloudFront's origin-facing addresses, where VPC-origin traffic comes from.
CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing"
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
#: Counted from the authorizer's log (a CloudWatch Logs metric filter on shared.auth.JWKS_FETCH_FAILED), not emitted.
JWKS_FETCH_FAILURES = MetricName.JWKS_FETCH_FAILURES

# GitHub OIDC.
GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com"
GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com"
CDK_BOOTSTRAP_QUALIFIER = "hnb659fds"


# Cognito user pool: what the pool and its web app client are, read by cdk/components/user_pool.py and by
# devtools/bootstrap.py (the fast local path), so the two cannot drift (tests/integration/test_parity.py).
@dataclass(frozen=True)
class UserPoolPolicy:
    min_length: int = 8
    require_lowercase: bool = True
    require_uppercase: bool = True
    require_digits: bool = True
    require_symbols: bool = False
    temp_password_validity_days: int = 3
    #: Email sign-in, case-insensitive: "Ann@Example.com" and "ann@example.com" are one person.
    sign_in_case_sensitive: bool = False
    #: Forgotten passwords are reset by email only (no SMS).
    recovery_by_email_only: bool = True
    email_required: bool = True
    #: Sign-in and reset never say whether an address has an account.
    prevent_user_existence_errors: bool = True
    refresh_token_validity_days: int = 30
    #: The web tier's app client is confidential (a secret, SECRET_HASH on every call, UserContextData propagated).
    web_client_has_secret: bool = True


USER_POOL_POLICY = UserPoolPolicy()

# Alarms of issue 15 (thresholds; the per-environment crisis baseline lives in cdk.json).
#: Healthy ALB targets may be missing this many minutes before the alarm fires (a task replaced, a deploy).
UNHEALTHY_HOSTS_MINUTES = 3
#: ECS running tasks below desired for this many minutes (scaling out and deploys close the gap sooner).
TASKS_BELOW_DESIRED_MINUTES = 5
#: WAF blocked requests per 5 minutes (the rate rule allows WAF_RATE_LIMIT_PER_5_MIN a client).
WAF_BLOCKED_SPIKE_PER_5_MIN = 500
WAF_BLOCKED_MINUTES = 5
#: API Gateway IntegrationError + ExecutionError (the WebSocket API's 5xx) per 5 minutes.
API_5XX_THRESHOLD = 10
API_5XX_MINUTES = 5
#: DynamoDB read + write throttle events, all tables, per 5 minutes.
DYNAMODB_THROTTLE_THRESHOLD = 1
DYNAMODB_THROTTLE_MINUTES = 5
#: X-Ray: the first request each second, then this share of the rest (the default rule's numbers, made explicit).
XRAY_SAMPLING_RESERVOIR_PER_S = 1
XRAY_SAMPLING_FIXED_RATE = 0.05
#: us-east-1 beside the Edge stack: the WAF alarm and its topic ("Motivator-{env}-EdgeObservability").
EDGE_OBSERVABILITY_STACK = "EdgeObservability"


# The web tier's shared state (Reflex on a node-based ElastiCache Valkey replication group, cdk/components/web_cache.py;
# node type and replica per environment: cdk/config.py WebConfig).
@dataclass(frozen=True)
class WebCacheSpec:
    engine: str = "valkey"
    #: Node-based Valkey 8 (cluster mode disabled); the parameter group family follows the major version.
    engine_version: str = "8.2"
    parameter_group_family: str = "valkey8"
    port: int = 6379
    #: The one RBAC user the web tasks connect as (password auth, docs/deploy.md: Shared web state).
    user_name: str = "motivator-web"
    #: Every key and channel: the cache is the web tier's alone, and Reflex's client needs pub/sub and CLIENT
    #: commands that a narrower category list would refuse (ElastiCache itself blocks CONFIG and the like).
    access_string: str = "on ~* &* +@all"
    password_length: int = 32
    #: Weekly, UTC: Sunday 03:00-04:00 in us-west-2 (PDT), the quietest hour; minor upgrades land here.
    maintenance_window: str = "sun:10:00-sun:11:00"


WEB_CACHE = WebCacheSpec()


@dataclass(frozen=True)
class CacheNodeType:
    """A node type the state cache may run on: its memory (ElastiCache's figure; 25% of it is reserved for
    replication and overhead by default, reserved-memory-percent) and its baseline network bandwidth (the EC2 figure
    of the same t4g size; it bursts above for a while on credits)."""

    memory_gib: float
    baseline_gbps: float


#: The sizes the Web stack offers (cdk.json `web.cacheNodeType`); docs/cost.md says which size fits which load.
CACHE_NODE_TYPES: dict[str, CacheNodeType] = {
    "cache.t4g.micro": CacheNodeType(memory_gib=0.5, baseline_gbps=0.064),
    "cache.t4g.small": CacheNodeType(memory_gib=1.37, baseline_gbps=0.128),
    "cache.t4g.medium": CacheNodeType(memory_gib=3.09, baseline_gbps=0.256),
    "cache.m7g.large": CacheNodeType(memory_gib=6.38, baseline_gbps=0.937),
    "cache.m7g.xlarge": CacheNodeType(memory_gib=12.7, baseline_gbps=1.876),
}
CACHE_RESERVED_MEMORY_FRACTION = 0.25
#: Reflex reads its state manager's Redis URL from this variable (the secret composed by WebStateCache).
REFLEX_REDIS_URL_VARIABLE = "REFLEX_REDIS_URL"
#: ElastiCache refuses CONFIG SET, so Reflex must not fail when it cannot enable keyspace notifications itself
#: (the cache's parameter group has them on already, REFLEX_NOTIFY_KEYSPACE_EVENTS).
REFLEX_IGNORE_REDIS_CONFIG_ERROR_VARIABLE = "REFLEX_IGNORE_REDIS_CONFIG_ERROR"
REFLEX_IGNORE_REDIS_CONFIG_ERROR = "true"
#: The keyspace events Reflex asks for with CONFIG SET (reflex.istate.manager.redis.NOTIFY_KEYSPACE_EVENTS: keyspace
#: notifications for string, set and generic commands, expiries and evictions), set here through the parameter
#: group. Reflex's lock hand-off and cross-task socket delivery subscribe to them. The CDK does not import Reflex;
#: tests/infrastructure/test_web_state.py holds this equal to Reflex's constant.
REFLEX_NOTIFY_KEYSPACE_EVENTS = "K$sgxe"
#: Proxies in front of the web task that append to X-Forwarded-For: CloudFront (adds the viewer), then the ALB (adds
#: CloudFront's address). Reflex (its trusted_proxy_hops) takes the client as the entry this far from the right.
WEB_TRUSTED_PROXY_HOPS = 2
REFLEX_TRUSTED_PROXY_HOPS_VARIABLE = "REFLEX_TRUSTED_PROXY_HOPS"
