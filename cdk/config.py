"""The per-environment configuration read from cdk.json context (validated, so a typo fails the synth)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from cdk.constants import CACHE_NODE_TYPES
from shared.dashboard import Thresholds
from shared.settings import Settings

if TYPE_CHECKING:
    from aws_cdk.aws_logs import RetentionDays

ROOT = Path(__file__).resolve().parent.parent
CDK_JSON = ROOT / "cdk.json"

ALL_ENVIRONMENTS = "all"

#: Days -> aws_cdk.aws_logs.RetentionDays member (looked up when read: the local ops tools read this config
#: without loading aws_cdk).
_RETENTION = {
    1: "ONE_DAY", 3: "THREE_DAYS", 5: "FIVE_DAYS", 7: "ONE_WEEK", 14: "TWO_WEEKS", 30: "ONE_MONTH",
    60: "TWO_MONTHS", 90: "THREE_MONTHS", 120: "FOUR_MONTHS", 150: "FIVE_MONTHS", 180: "SIX_MONTHS",
    365: "ONE_YEAR", 400: "THIRTEEN_MONTHS", 545: "EIGHTEEN_MONTHS", 731: "TWO_YEARS",
}  # fmt: skip


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)


class ThreatProtection(StrEnum):
    """Cognito threat protection ("advanced security"): off needs only the Essentials plan."""

    OFF = "off"
    AUDIT = "audit"
    ENFORCED = "enforced"


class CustomDomain(_Model):
    """A name in a Route 53 public hosted zone; the WebSocket API gets `<apiSubdomain>.` in front of it."""

    name: Annotated[str, Field(min_length=3)]
    hosted_zone_id: Annotated[str, Field(min_length=1)]
    zone_name: Annotated[str, Field(min_length=1)]
    #: The WebSocket API's own name under `name` (api.chatbot.muykol.com); null: clients use the execute-api URL.
    api_subdomain: Annotated[str, Field(pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")] | None = "api"

    @property
    def websocket_name(self) -> str | None:
        return f"{self.api_subdomain}.{self.name}" if self.api_subdomain else None


class WebConfig(_Model):
    desired_count: Annotated[int, Field(ge=1, le=10)]
    min_capacity: Annotated[int, Field(ge=1)] = 1
    max_capacity: Annotated[int, Field(le=10)] = 10
    cpu: int = 512
    memory_mib: int = 1024
    nat_gateways: Annotated[int, Field(ge=0, le=3)] = 0
    container_port: int = 8000
    health_check_path: str = "/ping"
    #: The Reflex state cache's node type (cdk.constants CACHE_NODE_TYPES; docs/cost.md: the state cache): a tab's
    #: state is ~20 KB, so a micro's ~400 MB of usable memory holds ~20,000 tabs at once; its bandwidth lasts to
    #: ~27,000 daily users, and 100,000 need cache.t4g.medium.
    cache_node_type: str = "cache.t4g.micro"
    #: Read replicas beside the primary, in the other AZ, with automatic failover and Multi-AZ; 0 (dev): one node,
    #: and a node failure loses the tabs' state (people sign in again).
    cache_replicas: Annotated[int, Field(ge=0, le=1)] = 1

    @field_validator("cache_node_type")
    @classmethod
    def _known_node_type(cls, value: str) -> str:
        if value not in CACHE_NODE_TYPES:
            raise ValueError(f"cacheNodeType must be one of {sorted(CACHE_NODE_TYPES)}")
        return value


class ImageConfig(_Model):
    """Where the web client image comes from: an ECR repository and tag, or `webclient/Dockerfile`
    as a CDK asset (built by `cdk deploy`, never by the synth)."""

    source: Literal["ecr", "asset"] = "ecr"
    repository: str = "motivator-web"
    tag: str = "latest"


_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class EnvironmentConfig(_Model):
    name: str = ""
    account: str | None = None
    region: str
    log_retention_days: Literal[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731]
    retain_data: bool
    access_token_validity_minutes: Annotated[int, Field(ge=5, le=1440)] = 60
    threat_protection: ThreatProtection = ThreatProtection.OFF
    throttle_rate_limit: Annotated[float, Field(gt=0)] = 100
    throttle_burst_limit: Annotated[int, Field(gt=0)] = 200
    #: Messages a person may send a UTC day (the handlers' setting; its default is the settings model's).
    daily_message_allowance: Annotated[int, Field(ge=0)] = Field(
        default=Settings.model_fields["daily_message_allowance"].default
    )
    bedrock_model_id: str = Field(default=Settings.model_fields["bedrock_model_id"].default)
    bedrock_guardrail_id: str | None = None
    bedrock_guardrail_version: str = Field(default=Settings.model_fields["bedrock_guardrail_version"].default)
    log_level: str = "INFO"
    #: Where the alarms' SNS topic sends email (`-c alarmEmail=…` overrides it for the selected environments).
    alarm_email: Annotated[str, Field(pattern=_EMAIL)] | None = None
    #: False only where nobody need be told (dev): staging and prod refuse to synthesize without alarm_email.
    require_alarm_email: bool = True
    #: Crisis answers an hour that are this environment's normal; more means a person should look.
    crisis_referrals_per_hour_baseline: Annotated[int, Field(ge=1)] = 3
    fallback_alarm_threshold: Annotated[int, Field(ge=1)] = 5
    #: Lambda SnapStart on every handler: each deploy publishes a version whose initialized environment is
    #: snapshotted, and API Gateway invokes it through the `live` alias (docs/cost.md, Cold start).
    snap_start: bool = False
    web: WebConfig
    domain: CustomDomain | None = None
    # -- edge and identity (docs/deploy.md: Custom domain, WAF, Email) --
    #: ISO 3166-1 alpha-2 codes of the countries the CloudFront WAF refuses; empty: no geo rule.
    geo_block_countries: tuple[Annotated[str, Field(pattern=r"^[A-Z]{2}$")], ...] = ()
    #: The address Cognito's emails (codes, password resets) come from, sent through SES; None: Cognito's sender.
    email_from: Annotated[str, Field(pattern=_EMAIL)] | None = None
    #: False only where Cognito's own sender (about 50 emails a day) will do (dev).
    require_email_from: bool = True
    # -- models (docs/deploy.md: Model) --
    #: Create a Bedrock guardrail on the answer text (content filters on output only) and use it.
    bedrock_answer_guardrail: bool = False
    # -- data retention (docs/deploy.md: Data retention) --
    #: Days conversations are kept: the handlers' CONVERSATION_RETENTION_DAYS, the TTL every item carries.
    conversation_retention_days: Annotated[int, Field(ge=1, le=3650)] = Field(
        default=Settings.model_fields["conversation_retention_days"].default
    )

    @property
    def log_retention(self) -> RetentionDays:
        from aws_cdk.aws_logs import RetentionDays

        return getattr(RetentionDays, _RETENTION[self.log_retention_days])

    @property
    def thresholds(self) -> Thresholds:
        """The alarm thresholds of shared.dashboard this environment sets."""
        return Thresholds(self.fallback_alarm_threshold, self.crisis_referrals_per_hour_baseline)


class AppConfig(_Model):
    environments: dict[str, EnvironmentConfig]
    github_repository: Annotated[str, Field(pattern=r"^[\w.-]+/[\w.-]+$")]
    web_image: ImageConfig = ImageConfig()
    cicd_account: str | None = None
    cicd_region: str = "us-west-2"

    def selected(self, env: str) -> list[EnvironmentConfig]:
        """The environments to synthesize: one name, or `all`."""
        if env == ALL_ENVIRONMENTS:
            return _with_email_from(_with_alarm_email(list(self.environments.values())))
        if env not in self.environments:
            raise ValueError(f"unknown environment {env!r}; cdk.json defines {sorted(self.environments)}")
        return _with_email_from(_with_alarm_email([self.environments[env]]))


class MissingAlarmEmail(ValueError):
    pass


def _with_alarm_email(selected: list[EnvironmentConfig]) -> list[EnvironmentConfig]:
    missing = [env.name for env in selected if env.require_alarm_email and not env.alarm_email]
    if missing:
        raise MissingAlarmEmail(
            f'environment(s) {", ".join(missing)} need an alarm address: set "alarmEmail" in cdk.json\'s '
            "environments.<env> or pass -c alarmEmail=ops@example.org (docs/deploy.md: Alarm address, retention)"
        )
    return selected


class MissingEmailFrom(ValueError):
    pass


def _with_email_from(selected: list[EnvironmentConfig]) -> list[EnvironmentConfig]:
    missing = [env.name for env in selected if env.require_email_from and not env.email_from]
    if missing:
        raise MissingEmailFrom(
            f'environment(s) {", ".join(missing)} send sign-up emails through SES: set "emailFrom" in cdk.json\'s '
            "environments.<env> or pass -c emailFrom=no-reply@example.org, an SES-verified address "
            "(docs/deploy.md: Email)"
        )
    return selected


def default_context() -> dict[str, Any]:
    """cdk.json's context, so `python app.py` behaves like `cdk synth` (the CLI passes the same values)."""
    return dict(json.loads(CDK_JSON.read_text())["context"])


def _maybe_json(value: Any) -> Any:
    # `cdk synth -c web={"..."}` passes strings; nested values from cdk.json arrive as objects.
    if isinstance(value, str) and value[:1] in "{[":
        return json.loads(value)
    return value


def _domain_from_command_line(context: dict[str, Any]) -> dict[str, Any]:
    """`-c domainName=chatbot.muykol.com -c hostedZoneId=Z… [-c zoneName=muykol.com] [-c apiSubdomain=api]`: the
    custom domain of the one environment selected with `-c env=…` (instead of its `domain` in cdk.json)."""
    name = context.get("domainName")
    if not name:
        return {}
    if context.get("envs") or not context.get("env"):
        raise ValueError("-c domainName is one environment's domain: select that environment with -c env=<env>")
    if not context.get("hostedZoneId"):
        raise ValueError("-c domainName needs -c hostedZoneId=<the Route 53 hosted zone's id>")
    domain = {
        "name": name,
        "hostedZoneId": context["hostedZoneId"],
        "zoneName": context.get("zoneName") or str(name).split(".", 1)[-1],
    }
    if "apiSubdomain" in context:
        domain["apiSubdomain"] = context["apiSubdomain"] or None
    return {"domain": domain}


def load_app_config(context: dict[str, Any]) -> AppConfig:
    # `-c alarmEmail=…` on the command line: the address of every environment synthesized.
    overrides: dict[str, Any] = {"alarmEmail": context["alarmEmail"]} if context.get("alarmEmail") else {}
    # `-c emailFrom=…`: the sender of every environment synthesized.
    if context.get("emailFrom"):
        overrides["emailFrom"] = context["emailFrom"]
    # `-c snapStart=true|false`: SnapStart on or off for every environment synthesized.
    if "snapStart" in context:
        overrides["snapStart"] = str(context["snapStart"]).lower() == "true"
    domain = _domain_from_command_line(context)
    environments = {
        name: EnvironmentConfig.model_validate(
            {**_maybe_json(raw), **overrides, **(domain if name == context.get("env") else {}), "name": name}
        )
        for name, raw in _maybe_json(context["environments"]).items()
    }
    image = _maybe_json(context.get("webImage", {}))
    # Single overrides from the command line, e.g. `-c webImageTag=$GITHUB_SHA`.
    for key, attr in (("webImageTag", "tag"), ("webImageSource", "source"), ("webImageRepository", "repository")):
        if key in context:
            image = {**image, attr: context[key]}
    return AppConfig(
        environments=environments,
        github_repository=context["githubRepository"],
        web_image=ImageConfig.model_validate(image),
        cicd_account=context.get("cicdAccount"),
        cicd_region=context.get("cicdRegion", "us-west-2"),
    )
