"""The WebSocket API: routes on `action`, a REQUEST authorizer on $connect, a throttled, logged stage."""

from __future__ import annotations

import json
from collections.abc import Mapping

from aws_cdk import ArnFormat, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw_v1
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk.components.handler_function import HandlerFunction
from cdk.constants import ACCESS_LOG_FORMAT, AUTHORIZER_IDENTITY_SOURCE
from cdk.nag import suppress
from shared.route_table import CONNECT, DEFAULT, DISCONNECT, ROUTE_SELECTION_EXPRESSION


class ChatWebSocketApi(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage_name: str,
        authorizer: HandlerFunction,
        routes: Mapping[str, HandlerFunction],
        throttle_rate_limit: float,
        throttle_burst_limit: int,
        log_retention: logs.RetentionDays,
        removal_policy: RemovalPolicy,
    ) -> None:
        super().__init__(scope, construct_id)

        def integration(route: str) -> integrations.WebSocketLambdaIntegration:
            return integrations.WebSocketLambdaIntegration(
                f"{routes[route].spec.name}Integration", routes[route].invoked
            )

        # Browsers never connect here: the web tier's Reflex server holds each tab's connection and, like the
        # terminal client, sends `Authorization: Bearer …`. A request without it gets 401 from API Gateway
        # itself, so unauthenticated connection floods never invoke the Lambda.
        self.authorizer = authorizers.WebSocketLambdaAuthorizer(
            "TokenAuthorizer", authorizer.invoked, identity_source=[AUTHORIZER_IDENTITY_SOURCE]
        )
        self.api = apigwv2.WebSocketApi(
            self,
            "Api",
            api_name=f"{Stack.of(self).stack_name}-chat",
            description="Motivator chat: streamed encouragement over WebSocket",
            route_selection_expression=ROUTE_SELECTION_EXPRESSION,
            connect_route_options=apigwv2.WebSocketRouteOptions(
                integration=integration(CONNECT), authorizer=self.authorizer
            ),
            disconnect_route_options=apigwv2.WebSocketRouteOptions(integration=integration(DISCONNECT)),
            default_route_options=apigwv2.WebSocketRouteOptions(integration=integration(DEFAULT)),
        )
        for route in routes:
            if route not in (CONNECT, DISCONNECT, DEFAULT):
                self.api.add_route(route, integration=integration(route))

        self.access_logs = logs.LogGroup(self, "AccessLogs", retention=log_retention, removal_policy=removal_policy)
        self.stage = apigwv2.WebSocketStage(
            self,
            "Stage",
            web_socket_api=self.api,
            stage_name=stage_name,
            auto_deploy=True,
            detailed_metrics_enabled=True,
            throttle=apigwv2.ThrottleSettings(rate_limit=throttle_rate_limit, burst_limit=throttle_burst_limit),
        )
        cfn_stage = self.stage.node.default_child
        assert isinstance(cfn_stage, apigwv2.CfnStage)
        cfn_stage.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(
            destination_arn=self.access_logs.log_group_arn, format=json.dumps(ACCESS_LOG_FORMAT)
        )
        # Execution logs off: at INFO they would print the $connect request, token included.
        cfn_stage.add_property_override("DefaultRouteSettings.LoggingLevel", "OFF")
        cfn_stage.add_property_override("DefaultRouteSettings.DataTraceEnabled", False)

        for node in self.api.node.find_all():
            if isinstance(node, apigwv2.CfnRoute):
                suppress(
                    node,
                    "AwsSolutions-APIG4",
                    "WebSocket APIs authorize once, on $connect (REQUEST authorizer); $disconnect, $default and "
                    "the action routes run on that already authorized connection and cannot have authorizers.",
                )

    @property
    def callback_url(self) -> str:
        """https://{apiId}.execute-api.{region}.amazonaws.com/{stage}: the @connections endpoint."""
        return self.stage.callback_url

    def manage_connections_arn(self) -> str:
        """Only this API's stage, only POST @connections/{id} (PostToConnection)."""
        return Stack.of(self).format_arn(
            service="execute-api",
            resource=self.api.api_id,
            resource_name=f"{self.stage.stage_name}/POST/@connections/*",
            arn_format=ArnFormat.SLASH_RESOURCE_NAME,
        )


class ApiGatewayAccountLogging(Construct):
    """API Gateway's account-level CloudWatch role, which WebSocket stage logging requires. One per account and
    region (cdk.stacks.account); the role is retained so deleting that stack leaves the setting working."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AmazonAPIGatewayPushToCloudWatchLogs")
            ],
        )
        role.apply_removal_policy(RemovalPolicy.RETAIN)
        account = apigw_v1.CfnAccount(self, "Account", cloud_watch_role_arn=role.role_arn)
        account.node.add_dependency(role)
        suppress(
            role,
            "AwsSolutions-IAM4",
            "AmazonAPIGatewayPushToCloudWatchLogs is the AWS-documented policy for API Gateway's account "
            "logging role; it grants only CloudWatch Logs writes.",
            applies_to=[
                "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
            ],
        )
