"""One handler: its Lambda function, its own role (no managed policies) and its own log group."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk.constants import FunctionSpec
from cdk.nag import suppress

#: The alias API Gateway invokes when SnapStart is on.
LIVE_ALIAS = "live"


class HandlerFunction(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        spec: FunctionSpec,
        code: lambda_.Code,
        environment: Mapping[str, str],
        log_retention: logs.RetentionDays,
        removal_policy: RemovalPolicy,
        snap_start: bool = False,
    ) -> None:
        super().__init__(scope, construct_id)
        self.spec = spec
        self.log_group = logs.LogGroup(self, "Logs", retention=log_retention, removal_policy=removal_policy)
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Motivator {spec.name} handler: only what {spec.handler} needs",
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="WriteOwnLogs",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[self.log_group.log_group_arn],
            )
        )
        self.function = lambda_.Function(
            self,
            "Function",
            description=f"Motivator {spec.route or spec.name} ({spec.handler})",
            runtime=lambda_.Runtime.PYTHON_3_12,
            architecture=lambda_.Architecture.ARM_64,
            handler=spec.handler,
            code=code,
            role=self.role,
            timeout=Duration.seconds(spec.timeout_s),
            memory_size=spec.memory_mb,
            tracing=lambda_.Tracing.ACTIVE,
            log_group=self.log_group,
            environment=dict(environment),
            # SnapStart needs Python 3.12 or later (the runtime above) and works on published versions only.
            snap_start=lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS if snap_start else None,
        )
        #: What API Gateway invokes: with SnapStart the `live` alias of the version each deploy publishes
        #: ($LATEST is never restored from a snapshot), otherwise the function itself.
        self.invoked: lambda_.IFunction = self.function
        if snap_start:
            self.invoked = lambda_.Alias(self, "Live", alias_name=LIVE_ALIAS, version=self.function.current_version)
        suppress(
            self.role,
            "AwsSolutions-IAM5",
            "X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions; "
            "CDK adds them for active tracing.",
            applies_to=["Resource::*"],
        )
        suppress(
            self.function,
            "AwsSolutions-L1",
            "The handlers, their wheels (cp312 manylinux2014_aarch64) and requires-python target Python 3.12; "
            "moving to a newer runtime is a deliberate upgrade of the whole asset.",
        )

    def allow(self, sid: str, actions: list[str], resources: list[str]) -> None:
        self.role.add_to_policy(iam.PolicyStatement(sid=sid, actions=sorted(actions), resources=resources))
