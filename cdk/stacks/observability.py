"""Observability stack: the dashboard, the alarms and the SNS topic they notify."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from cdk.components.monitoring import ChatMonitoring
from cdk.config import EnvironmentConfig


class ObservabilityStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        functions: Mapping[str, lambda_.IFunction],
        api_id: str,
        stage: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.topic = sns.Topic(self, "Alarms", display_name=f"Motivator {config.name} alarms", enforce_ssl=True)
        if config.alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(config.alarm_email))
        self.monitoring = ChatMonitoring(
            self,
            "Monitoring",
            dashboard_name=f"Motivator-{config.name}",
            functions=functions,
            api_id=api_id,
            stage=stage,
            topic=self.topic,
            fallback_threshold=config.fallback_alarm_threshold,
        )
        CfnOutput(self, "AlarmTopicArn", value=self.topic.topic_arn)
