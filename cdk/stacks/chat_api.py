"""Chat API stack: the handlers, their least-privilege roles, and the WebSocket API in front of them."""

from __future__ import annotations

from typing import Any

from aws_cdk import AssetHashType, CfnOutput, RemovalPolicy, Stack
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from constructs import Construct

from cdk.components.answer_guardrail import AnswerGuardrail
from cdk.components.handler_function import HandlerFunction
from cdk.components.http_api import ChatHttpApi
from cdk.components.tables import MotivatorTables, table_name
from cdk.components.websocket_api import ChatWebSocketApi
from cdk.config import CustomDomain, EnvironmentConfig
from cdk.constants import ALL_FUNCTIONS, AUTHORIZER, JWKS_FETCH_FAILURES, REST_API, ROUTE_FUNCTIONS
from cdk.lambda_asset import LambdaAsset
from cdk.nag import finding_resource, suppress
from shared.auth import JWKS_FETCH_FAILED
from shared.metric_names import LOG_FILTERS, NAMESPACE, SERVICE
from shared.model_client import foundation_model_id
from shared.settings import Settings, env_names

_JWKS_FIELD, _ = LOG_FILTERS[JWKS_FETCH_FAILURES]

#: Settings field -> environment variable, from the settings model itself.
SETTINGS_ENV: dict[str, str] = dict(zip(Settings.model_fields, env_names(), strict=True))


def bedrock_model_resources(stack: Stack, model_id: str) -> list[str]:
    """ARNs a model ID needs: the foundation model, or an inference profile and the models it routes to."""
    base = foundation_model_id(model_id)
    if base:
        return [
            stack.format_arn(service="bedrock", resource="inference-profile", resource_name=model_id),
            f"arn:{stack.partition}:bedrock:*::foundation-model/{base}",
        ]
    return [f"arn:{stack.partition}:bedrock:{stack.region}::foundation-model/{model_id}"]


class ChatApiStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        tables: MotivatorTables,
        user_pool: cognito.IUserPool,
        user_pool_client: cognito.IUserPoolClient,
        lambda_asset: LambdaAsset,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self._user_pool = user_pool
        removal = RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY
        retention = config.log_retention
        code = lambda_.Code.from_asset(
            str(lambda_asset.path), asset_hash=lambda_asset.asset_hash, asset_hash_type=AssetHashType.CUSTOM
        )

        environment = {
            SETTINGS_ENV["cognito_user_pool_id"]: user_pool.user_pool_id,
            SETTINGS_ENV["cognito_client_id"]: user_pool_client.user_pool_client_id,
            SETTINGS_ENV["bedrock_model_id"]: config.bedrock_model_id,
            SETTINGS_ENV["conversation_retention_days"]: str(config.conversation_retention_days),
            SETTINGS_ENV["daily_message_allowance"]: str(config.daily_message_allowance),
            "POWERTOOLS_SERVICE_NAME": SERVICE,
            "POWERTOOLS_METRICS_NAMESPACE": NAMESPACE,
            "POWERTOOLS_LOG_LEVEL": config.log_level,
            # Traces must not carry answers or tokens.
            "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
        }
        for definition in tables.definitions.values():
            # The literal name: no cross-stack export to pin the Data stack (see add_dependency in the builder).
            environment[SETTINGS_ENV[definition.setting]] = table_name(tables.name_prefix, definition)
        self.guardrail_arn = self._guardrail(config, environment)

        self.functions: dict[str, HandlerFunction] = {
            spec.name: HandlerFunction(
                self,
                spec.name,
                spec=spec,
                code=code,
                environment=environment,
                log_retention=retention,
                removal_policy=removal,
                snap_start=config.snap_start,
            )
            for spec in ALL_FUNCTIONS
        }
        self.chat = ChatWebSocketApi(
            self,
            "Chat",
            stage_name=config.name,
            authorizer=self.functions[AUTHORIZER.name],
            routes={spec.route: self.functions[spec.name] for spec in ROUTE_FUNCTIONS if spec.route},
            throttle_rate_limit=config.throttle_rate_limit,
            throttle_burst_limit=config.throttle_burst_limit,
            log_retention=retention,
            removal_policy=removal,
        )
        # The REST API (issue 17, item 8): the same turn pipeline, whole answers, for clients without a WebSocket.
        self.rest = ChatHttpApi(
            self,
            "Rest",
            function=self.functions[REST_API.name],
            user_pool=user_pool,
            user_pool_client=user_pool_client,
            throttle_rate_limit=config.throttle_rate_limit,
            throttle_burst_limit=config.throttle_burst_limit,
            log_retention=retention,
            removal_policy=removal,
        )

        for handler in self.functions.values():
            handler.function.add_environment(SETTINGS_ENV["connections_endpoint_url"], self.chat.callback_url)
            self._grant(handler, tables, config)
        # A JWKS outage shows only as refusals (401 answers, not Lambda errors): counted from the authorizer's log.
        logs.MetricFilter(
            self,
            "JwksFetchFailures",
            log_group=self.functions[AUTHORIZER.name].log_group,
            filter_pattern=logs.FilterPattern.string_value(f"$.{_JWKS_FIELD}", "=", JWKS_FETCH_FAILED),
            metric_namespace=NAMESPACE,
            metric_name=JWKS_FETCH_FAILURES,
            metric_value="1",
            dimensions={"service": "$.service"},
        )

        self.websocket_url = self.chat.stage.url
        if config.domain and config.domain.websocket_name:
            self.websocket_url = self._custom_domain(config.domain, config.domain.websocket_name)

        CfnOutput(self, "WebSocketUrl", value=self.websocket_url)
        CfnOutput(self, "ConnectionsEndpointUrl", value=self.chat.callback_url)
        CfnOutput(self, "HttpApiUrl", value=self.rest.url)

    def _grant(self, handler: HandlerFunction, tables: MotivatorTables, config: EnvironmentConfig) -> None:
        spec = handler.spec
        for name, actions in spec.table_actions.items():
            table_arn = self.format_arn(
                service="dynamodb",
                resource="table",
                resource_name=table_name(tables.name_prefix, tables.definitions[name]),
            )
            resources = [table_arn]
            if "dynamodb:Query" in actions and tables.definitions[name].indexes:
                resources.append(f"{table_arn}/index/*")
                suppress(
                    handler.role,
                    "AwsSolutions-IAM5",
                    f"Query on the {name} table's own global secondary indexes (table/<name>/index/*) only.",
                    applies_to=[finding_resource(self, resources[-1])],
                )
            handler.allow(f"{name}Table", list(actions), resources)
        if spec.deletes_users:
            # "Delete my account": the function deletes only the caller (the JWT's username), in this pool only.
            handler.allow("DeleteOwnSignIn", ["cognito-idp:AdminDeleteUser"], [self._user_pool.user_pool_arn])
        if spec.manage_connections:
            connections = self.chat.manage_connections_arn()
            handler.allow("PostToOwnConnections", ["execute-api:ManageConnections"], [connections])
            suppress(
                handler.role,
                "AwsSolutions-IAM5",
                "PostToConnection targets connection IDs known only at run time; the ARN is limited to this "
                "API's stage and POST @connections.",
                applies_to=[finding_resource(self, connections)],
            )
        if spec.invokes_bedrock:
            model_resources = bedrock_model_resources(self, config.bedrock_model_id)
            handler.allow("StreamFromModel", ["bedrock:InvokeModelWithResponseStream"], model_resources)
            wildcard = [r for r in model_resources if ":*:" in r]
            if wildcard:
                suppress(
                    handler.role,
                    "AwsSolutions-IAM5",
                    "A cross-region inference profile routes to the same foundation model in several regions.",
                    applies_to=[finding_resource(self, r) for r in wildcard],
                )
            if self.guardrail_arn:
                # ConverseStream with guardrailConfig evaluates the guardrail through ApplyGuardrail.
                handler.allow("ApplyConfiguredGuardrail", ["bedrock:ApplyGuardrail"], [self.guardrail_arn])

    def _guardrail(self, config: EnvironmentConfig, environment: dict[str, str]) -> str | None:
        """The guardrail the answers go through, if any: one this stack makes (`bedrockAnswerGuardrail`) or an
        existing one (`bedrockGuardrailId`); its id and version go to the handlers, its ARN to their policy."""
        if config.bedrock_answer_guardrail:
            made = AnswerGuardrail(self, "AnswerGuardrail", name=f"{self.stack_name}-Answers")
            environment[SETTINGS_ENV["bedrock_guardrail_id"]] = made.guardrail_id
            environment[SETTINGS_ENV["bedrock_guardrail_version"]] = made.version_number
            return made.guardrail_arn
        if config.bedrock_guardrail_id:
            environment[SETTINGS_ENV["bedrock_guardrail_id"]] = config.bedrock_guardrail_id
            environment[SETTINGS_ENV["bedrock_guardrail_version"]] = config.bedrock_guardrail_version
            return self.format_arn(service="bedrock", resource="guardrail", resource_name=config.bedrock_guardrail_id)
        return None

    def _custom_domain(self, domain_config: CustomDomain, name: str) -> str:
        """The API's own name: a regional certificate, an API Gateway domain mapped to the stage, an alias record."""
        zone = route53.HostedZone.from_hosted_zone_attributes(
            self, "Zone", hosted_zone_id=domain_config.hosted_zone_id, zone_name=domain_config.zone_name
        )
        certificate = acm.Certificate(
            self, "WebSocketCertificate", domain_name=name, validation=acm.CertificateValidation.from_dns(zone)
        )
        domain = apigwv2.DomainName(self, "WebSocketDomain", domain_name=name, certificate=certificate)
        apigwv2.ApiMapping(self, "WebSocketMapping", api=self.chat.api, domain_name=domain, stage=self.chat.stage)
        route53.ARecord(
            self,
            "WebSocketAlias",
            zone=zone,
            record_name=name,
            target=route53.RecordTarget.from_alias(
                targets.ApiGatewayv2DomainProperties(domain.regional_domain_name, domain.regional_hosted_zone_id)
            ),
        )
        return f"wss://{name}"
