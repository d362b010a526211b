"""Observability stack: the dashboard, the alarms and the SNS topic they notify."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_xray as xray
from constructs import Construct

from cdk.components.monitoring import ChatMonitoring, EdgeMonitoring, WebTargets
from cdk.config import EnvironmentConfig
from cdk.constants import XRAY_SAMPLING_FIXED_RATE, XRAY_SAMPLING_RESERVOIR_PER_S


def alarm_topic(scope: Construct, config: EnvironmentConfig) -> sns.Topic:
    """The environment's alarm topic, with its email subscription when cdk.json names an address."""
    topic = sns.Topic(scope, "Alarms", display_name=f"Motivator {config.name} alarms", enforce_ssl=True)
    if config.alarm_email:
        topic.add_subscription(subscriptions.EmailSubscription(config.alarm_email))
    return topic


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
        table_names: Sequence[str],
        web: WebTargets,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.topic = alarm_topic(self, config)
        self.monitoring = ChatMonitoring(
            self,
            "Monitoring",
            dashboard_name=f"Motivator-{config.name}",
            functions=functions,
            api_id=api_id,
            stage=stage,
            topic=self.topic,
            fallback_threshold=config.fallback_alarm_threshold,
            crisis_baseline_per_hour=config.crisis_referrals_per_hour_baseline,
            table_names=table_names,
            web=web,
        )
        # Lambda's active tracing samples on its own terms; this rule sets what the rest of the environment's
        # traced requests (the SDK, Powertools' tracer outside Lambda) keep.
        self.sampling_rule = xray.CfnSamplingRule(
            self,
            "Sampling",
            sampling_rule=xray.CfnSamplingRule.SamplingRuleProperty(
                rule_name=f"Motivator-{config.name}"[:32],
                priority=1000,
                reservoir_size=XRAY_SAMPLING_RESERVOIR_PER_S,
                fixed_rate=XRAY_SAMPLING_FIXED_RATE,
                service_name=f"Motivator-{config.name}-*",
                service_type="*",
                host="*",
                http_method="*",
                url_path="*",
                resource_arn="*",
                version=1,
            ),
        )
        CfnOutput(self, "AlarmTopicArn", value=self.topic.topic_arn)


class EdgeObservabilityStack(Stack):
    """us-east-1: the WAF alarm beside the CloudFront web ACL's metrics, with its own topic (alarms notify
    topics of their own region)."""

    def __init__(
        self, scope: Construct, construct_id: str, *, config: EnvironmentConfig, web_acl_metric_name: str,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(scope, construct_id, **kwargs)
        self.topic = alarm_topic(self, config)
        self.monitoring = EdgeMonitoring(self, "Monitoring", name_prefix=f"Motivator-{config.name}",
                                         web_acl_metric_name=web_acl_metric_name, topic=self.topic)  # fmt: skip
        CfnOutput(self, "AlarmTopicArn", value=self.topic.topic_arn)
