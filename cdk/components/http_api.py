"""The REST API (the seed's /api/v1): an HTTP API with Cognito's built-in JWT authorizer in front of one function."""

from __future__ import annotations

import json

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk.components.handler_function import HandlerFunction
from cdk.constants import HTTP_ACCESS_LOG_FORMAT
from cdk.nag import suppress
from shared.rest import paths
from shared.settings import cognito_issuer


class ChatHttpApi(Construct):
    """Every route of shared/rest/paths.py, each integrated with the one REST function; the authorized ones behind
    the JWT authorizer (issuer: the pool; audience: the web app client, matched on the access token's client_id)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function: HandlerFunction,
        user_pool: cognito.IUserPool,
        user_pool_client: cognito.IUserPoolClient,
        throttle_rate_limit: float,
        throttle_burst_limit: int,
        log_retention: logs.RetentionDays,
        removal_policy: RemovalPolicy,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.authorizer = authorizers.HttpJwtAuthorizer(
            "CognitoJwt",
            cognito_issuer(stack.region, user_pool.user_pool_id),
            jwt_audience=[user_pool_client.user_pool_client_id],
            identity_source=["$request.header.Authorization"],
        )
        self.api = apigwv2.HttpApi(
            self,
            "Api",
            api_name=f"{stack.stack_name}-rest",
            description="Motivator REST API: whole answers for clients without a WebSocket",
            create_default_stage=False,
        )
        # The function, or with SnapStart its live alias (the published snapshot), as for every WebSocket route.
        integration = integrations.HttpLambdaIntegration(
            "RestIntegration", function.invoked
        )  # the live alias with SnapStart
        for route_key, authorized in paths.ROUTES.items():
            method, path = route_key.split(" ", 1)
            self.api.add_routes(
                path=path,
                methods=[apigwv2.HttpMethod(method)],
                integration=integration,
                authorizer=self.authorizer if authorized else apigwv2.HttpNoneAuthorizer(),
            )
        self.access_logs = logs.LogGroup(self, "AccessLogs", retention=log_retention, removal_policy=removal_policy)
        self.stage = apigwv2.HttpStage(
            self,
            "Stage",
            http_api=self.api,
            stage_name="$default",
            auto_deploy=True,
            throttle=apigwv2.ThrottleSettings(rate_limit=throttle_rate_limit, burst_limit=throttle_burst_limit),
        )
        cfn_stage = self.stage.node.default_child
        assert isinstance(cfn_stage, apigwv2.CfnStage)
        cfn_stage.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(
            destination_arn=self.access_logs.log_group_arn, format=json.dumps(HTTP_ACCESS_LOG_FORMAT)
        )
        for node in self.api.node.find_all():
            if isinstance(node, apigwv2.CfnRoute) and node.authorization_type in (None, "NONE"):
                suppress(
                    node,
                    "AwsSolutions-APIG4",
                    "The health check and the OpenAPI document are public by design; chat and feedback need the "
                    "Cognito JWT.",
                )

    @property
    def url(self) -> str:
        """https://{apiId}.execute-api.{region}.amazonaws.com (the $default stage; routes start with /api/v1)."""
        return str(self.api.api_endpoint)
