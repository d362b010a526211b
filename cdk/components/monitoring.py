"""The operators' view: one dashboard and the alarms, from the shared metric catalogue."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk.components.dashboard import (
    app_metric,
    build_dashboard,
    container_insights_metric,
    series_metric,
    service_widgets,
    websocket_metric,
)
from cdk.constants import (
    API_5XX_MINUTES,
    API_5XX_THRESHOLD,
    AUTHORIZER,
    DYNAMODB_THROTTLE_MINUTES,
    DYNAMODB_THROTTLE_THRESHOLD,
    ERROR_RATE_MINUTES,
    ERROR_RATE_THRESHOLD_PERCENT,
    TASKS_BELOW_DESIRED_MINUTES,
    UNHEALTHY_HOSTS_MINUTES,
    WAF_BLOCKED_MINUTES,
    WAF_BLOCKED_SPIKE_PER_5_MIN,
)
from shared.dashboard import Thresholds, dashboard
from shared.metric_names import MetricName

_MINUTE = Duration.minutes(1)
COMPARISON = {
    ">": cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
    ">=": cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
}

#: The handlers whose failure means nobody can open a chat or send a message (the composite alarm's inputs).
_CHAT_PATH_FUNCTIONS = (AUTHORIZER.name, "Connect", "SendMessage")

#: Lambda errors that are answers, not failures: the authorizer refuses a token by raising "Unauthorized" (API
#: Gateway's 401, which makes clients refresh their token) and counts each refusal in this metric.
_ANSWERS_RAISED: dict[str, MetricName] = {AUTHORIZER.name: MetricName.AUTH_REJECTED}


@dataclass(frozen=True)
class WebTargets:
    """What the web tier's alarms read: the ALB's target group and the Fargate service behind it."""

    target_group: elbv2.IApplicationTargetGroup
    service: ecs.IBaseService
    cluster_name: str


def web_targets(load_balancer: elbv2.ApplicationLoadBalancer, service: ecs.FargateService) -> WebTargets:
    """The target group the web service's listener forwards to (the one target group under the ALB)."""
    (group,) = (c for c in load_balancer.node.find_all() if isinstance(c, elbv2.ApplicationTargetGroup))
    return WebTargets(target_group=group, service=service, cluster_name=service.cluster.cluster_name)


def waf_blocked_requests(web_acl_metric_name: str) -> cw.Metric:
    """A CloudFront web ACL's blocked requests (us-east-1; no Region dimension for CloudFront)."""
    return cw.Metric(
        namespace="AWS/WAFV2",
        metric_name="BlockedRequests",
        dimensions_map={"WebACL": web_acl_metric_name, "Rule": "ALL"},
        statistic="Sum",
        period=Duration.minutes(WAF_BLOCKED_MINUTES),
    )


class EdgeMonitoring(Construct):
    """The alarm that must live beside the CloudFront web ACL's metrics (us-east-1)."""

    def __init__(
        self, scope: Construct, construct_id: str, *, name_prefix: str, web_acl_metric_name: str, topic: sns.ITopic
    ) -> None:
        super().__init__(scope, construct_id)
        self.alarm = cw.Alarm(
            self,
            "WafBlockedSpike",
            alarm_name=f"{name_prefix}-WafBlockedSpike",
            alarm_description=f"The WAF blocked {WAF_BLOCKED_SPIKE_PER_5_MIN} or more requests in "
            f"{WAF_BLOCKED_MINUTES} minutes: an attack, a bot, or a rule refusing real users",
            metric=waf_blocked_requests(web_acl_metric_name),
            threshold=WAF_BLOCKED_SPIKE_PER_5_MIN,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
        )
        self.alarm.add_alarm_action(cw_actions.SnsAction(topic))
        self.alarm.add_ok_action(cw_actions.SnsAction(topic))


class ChatMonitoring(Construct):
    """The dashboard and every regional alarm: the application's from shared/dashboard.py, the AWS services' here."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        dashboard_name: str,
        functions: Mapping[str, lambda_.IFunction],
        api_id: str,
        stage: str,
        topic: sns.ITopic,
        fallback_threshold: int,
        crisis_baseline_per_hour: int,
        table_names: Sequence[str],
        web: WebTargets,
    ) -> None:
        super().__init__(scope, construct_id)
        self._name = dashboard_name
        self._action = cw_actions.SnsAction(topic)
        self.alarms: list[cw.Alarm] = []
        error_rates = {name: self._error_rate(name, function) for name, function in functions.items()}
        shared = dashboard(Thresholds(fallback_threshold, crisis_baseline_per_hour))
        app_alarms = {
            spec.id: self._alarm(
                spec.id,
                alarm_description=spec.description,
                metric=series_metric(spec.series),
                threshold=spec.threshold,
                comparison_operator=COMPARISON[spec.comparison],
                evaluation_periods=spec.evaluation_periods,
                datapoints_to_alarm=spec.datapoints_to_alarm,
            )
            for spec in shared.alarms
        }
        api_5xx = self._api_5xx(api_id, stage)
        self._dynamodb_throttles(table_names)
        unhealthy = self._web_alarms(web)
        cannot_chat = [
            app_alarms["ChatErrorRate"],
            api_5xx,
            unhealthy,
            app_alarms["JwksUnreachable"],
            *(error_rates[name] for name in _CHAT_PATH_FUNCTIONS),
        ]
        self.users_cannot_chat = cw.CompositeAlarm(
            self,
            "UsersCannotChat",
            composite_alarm_name=f"{dashboard_name}-UsersCannotChat",
            alarm_description="Users cannot chat: the chat path fails (messages, API Gateway, the authorizer, "
            "connecting, or the web tier). Open the alarms it names.",
            alarm_rule=cw.AlarmRule.any_of(*cannot_chat),
        )
        self.users_cannot_chat.add_alarm_action(self._action)
        self.users_cannot_chat.add_ok_action(self._action)
        services = service_widgets(functions, api_id, stage, web.target_group, web.service, web.cluster_name)
        self.dashboard = build_dashboard(self, dashboard_name, shared, services, [*self.alarms, self.users_cannot_chat])

    def _alarm(self, alarm_id: str, **kwargs: object) -> cw.Alarm:
        # Named "<dashboard>-<id>" (e.g. Motivator-prod-ChatErrorRate): the name is the email's subject.
        created = cw.Alarm(
            self,
            alarm_id,
            alarm_name=f"{self._name}-{alarm_id}",
            treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
            **kwargs,  # type: ignore[arg-type]
        )
        created.add_alarm_action(self._action)
        created.add_ok_action(self._action)
        self.alarms.append(created)
        return created

    def _error_rate(self, name: str, function: lambda_.IFunction) -> cw.Alarm:
        using: dict[str, cw.IMetric] = {
            "errors": function.metric_errors(period=_MINUTE, statistic="Sum"),
            "invocations": function.metric_invocations(period=_MINUTE, statistic="Sum"),
        }
        failures = "errors"
        if name in _ANSWERS_RAISED:
            using["answered"] = app_metric(_ANSWERS_RAISED[name])
            failures = "(errors - FILL(answered, 0))"
        return self._alarm(
            f"{name}ErrorRate",
            alarm_description=f"{name}: more than {ERROR_RATE_THRESHOLD_PERCENT}% of invocations failed "
            f"for {ERROR_RATE_MINUTES} minutes",
            metric=cw.MathExpression(
                expression=f"IF(invocations > 0, 100 * {failures} / invocations, 0)",
                using_metrics=using,
                period=_MINUTE,
                label=f"{name} error rate (%)",
            ),
            threshold=ERROR_RATE_THRESHOLD_PERCENT,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=ERROR_RATE_MINUTES,
            datapoints_to_alarm=ERROR_RATE_MINUTES,
        )

    def _api_5xx(self, api_id: str, stage: str) -> cw.Alarm:
        return self._alarm(
            "Api5xx",
            alarm_description=f"API Gateway: {API_5XX_THRESHOLD} or more integration / execution errors (5xx) "
            f"in {API_5XX_MINUTES} minutes",
            metric=cw.MathExpression(
                expression="FILL(integration, 0) + FILL(execution, 0)",
                using_metrics={
                    "integration": websocket_metric(api_id, stage, "IntegrationError"),
                    "execution": websocket_metric(api_id, stage, "ExecutionError"),
                },
                period=Duration.minutes(API_5XX_MINUTES),
                label="API Gateway 5xx",
            ),
            threshold=API_5XX_THRESHOLD,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=1,
        )

    def _dynamodb_throttles(self, table_names: Sequence[str]) -> None:
        throttle_metrics: dict[str, cw.IMetric] = {}
        for index, table in enumerate(table_names):
            for kind in ("Read", "Write"):
                throttle_metrics[f"{kind.lower()}{index}"] = cw.Metric(
                    namespace="AWS/DynamoDB",
                    metric_name=f"{kind}ThrottleEvents",
                    dimensions_map={"TableName": table},
                    statistic="Sum",
                    period=Duration.minutes(DYNAMODB_THROTTLE_MINUTES),
                )
        self._alarm(
            "DynamoDbThrottles",
            alarm_description=f"DynamoDB throttled {DYNAMODB_THROTTLE_THRESHOLD} or more requests in "
            f"{DYNAMODB_THROTTLE_MINUTES} minutes on the environment's tables",
            metric=cw.MathExpression(
                expression=" + ".join(f"FILL({metric_id}, 0)" for metric_id in throttle_metrics),
                using_metrics=throttle_metrics,
                period=Duration.minutes(DYNAMODB_THROTTLE_MINUTES),
                label="DynamoDB throttle events",
            ),
            threshold=DYNAMODB_THROTTLE_THRESHOLD,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=1,
        )

    def _web_alarms(self, web: WebTargets) -> cw.Alarm:
        """The web tier's alarms; returns the unhealthy-targets one (an input of UsersCannotChat)."""
        unhealthy = self._alarm(
            "WebUnhealthyHosts",
            alarm_description=f"The web ALB had an unhealthy target for {UNHEALTHY_HOSTS_MINUTES} minutes",
            metric=web.target_group.metrics.unhealthy_host_count(period=_MINUTE, statistic="Maximum"),
            threshold=1,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=UNHEALTHY_HOSTS_MINUTES,
            datapoints_to_alarm=UNHEALTHY_HOSTS_MINUTES,
        )
        service_name = web.service.service_name
        self._alarm(
            "WebTasksBelowDesired",
            alarm_description=f"Fewer web tasks running than desired for {TASKS_BELOW_DESIRED_MINUTES} minutes "
            "(ECS Container Insights)",
            metric=cw.MathExpression(
                expression="IF(desired > 0, desired - FILL(running, 0), 0)",
                using_metrics={
                    "desired": container_insights_metric(web.cluster_name, service_name, "DesiredTaskCount"),
                    "running": container_insights_metric(web.cluster_name, service_name, "RunningTaskCount"),
                },
                period=_MINUTE,
                label="web tasks missing",
            ),
            threshold=0,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=TASKS_BELOW_DESIRED_MINUTES,
            datapoints_to_alarm=TASKS_BELOW_DESIRED_MINUTES,
        )
        return unhealthy
