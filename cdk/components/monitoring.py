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

from cdk.constants import (
    API_5XX_MINUTES,
    API_5XX_THRESHOLD,
    AUTHORIZER,
    CHAT_ERROR_RATE_MINUTES,
    CHAT_ERROR_RATE_THRESHOLD_PERCENT,
    CRISIS_REFERRAL_HOURS,
    DYNAMODB_THROTTLE_MINUTES,
    DYNAMODB_THROTTLE_THRESHOLD,
    ERROR_RATE_MINUTES,
    ERROR_RATE_THRESHOLD_PERCENT,
    FALLBACK_SPIKE_MINUTES,
    JWKS_FAILURE_MINUTES,
    JWKS_FETCH_FAILURES,
    MODEL_THROTTLE_MINUTES,
    MODEL_THROTTLE_THRESHOLD,
    TASKS_BELOW_DESIRED_MINUTES,
    TTFT_P90_MINUTES,
    TTFT_P90_THRESHOLD_MS,
    UNHEALTHY_HOSTS_MINUTES,
    WAF_BLOCKED_MINUTES,
    WAF_BLOCKED_SPIKE_PER_5_MIN,
)
from shared.metric_names import NAMESPACE, SERVICE, MetricName

_MINUTE = Duration.minutes(1)

#: The handlers whose failure means nobody can open a chat or send a message (the composite alarm's inputs).
_CHAT_PATH_FUNCTIONS = (AUTHORIZER.name, "Connect", "SendMessage")

#: Lambda errors that are answers, not failures: the authorizer refuses a token by raising "Unauthorized" (API
#: Gateway's 401, which makes clients refresh their token) and counts each refusal in this metric.
_ANSWERS_RAISED: dict[str, MetricName] = {AUTHORIZER.name: MetricName.AUTH_REJECTED}


def app_metric(
    name: MetricName | str, statistic: str = "Sum", period: Duration = _MINUTE, label: str | None = None
) -> cw.Metric:
    """A metric as Powertools emits it: namespace NAMESPACE, dimension service=SERVICE."""
    return cw.Metric(
        namespace=NAMESPACE,
        metric_name=str(name),
        dimensions_map={"service": SERVICE},
        statistic=statistic,
        period=period,
        label=label or f"{name} ({statistic})",
    )


def websocket_metric(api_id: str, stage: str, name: str, statistic: str = "Sum") -> cw.Metric:
    return cw.Metric(
        namespace="AWS/ApiGateway",
        metric_name=name,
        dimensions_map={"ApiId": api_id, "Stage": stage},
        statistic=statistic,
        period=_MINUTE,
    )


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


def container_insights_metric(cluster_name: str, service_name: str, name: str) -> cw.Metric:
    return cw.Metric(
        namespace="ECS/ContainerInsights",
        metric_name=name,
        dimensions_map={"ClusterName": cluster_name, "ServiceName": service_name},
        statistic="Average",
        period=_MINUTE,
    )


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
        action = cw_actions.SnsAction(topic)
        self.alarms: list[cw.Alarm] = []
        error_rates: dict[str, cw.Alarm] = {}

        def alarm(alarm_id: str, **kwargs: object) -> cw.Alarm:
            # Named "<dashboard>-<id>" (e.g. Motivator-prod-ChatErrorRate): the name is the email's subject.
            created = cw.Alarm(
                self,
                alarm_id,
                alarm_name=f"{dashboard_name}-{alarm_id}",
                treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
                **kwargs,  # type: ignore[arg-type]
            )
            created.add_alarm_action(action)
            created.add_ok_action(action)
            self.alarms.append(created)
            return created

        for name, function in functions.items():
            using: dict[str, cw.IMetric] = {
                "errors": function.metric_errors(period=_MINUTE, statistic="Sum"),
                "invocations": function.metric_invocations(period=_MINUTE, statistic="Sum"),
            }
            failures = "errors"
            if name in _ANSWERS_RAISED:
                using["answered"] = app_metric(_ANSWERS_RAISED[name])
                failures = "(errors - FILL(answered, 0))"
            error_rates[name] = alarm(
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

        ttft_p90 = app_metric(MetricName.TIME_TO_FIRST_TOKEN, "p90")
        alarm(
            "TimeToFirstTokenP90",
            alarm_description=(
                f"p90 time to first token above {TTFT_P90_THRESHOLD_MS} ms for {TTFT_P90_MINUTES} minutes"
            ),
            metric=ttft_p90,
            threshold=TTFT_P90_THRESHOLD_MS,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=TTFT_P90_MINUTES,
            datapoints_to_alarm=TTFT_P90_MINUTES,
        )
        jwks = alarm(
            "JwksUnreachable",
            alarm_description="The authorizer could not fetch the user pool's signing keys (JWKS) in "
            f"{JWKS_FAILURE_MINUTES - 1} of {JWKS_FAILURE_MINUTES} minutes: new and rotated tokens are refused",
            metric=app_metric(JWKS_FETCH_FAILURES),
            threshold=1,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=JWKS_FAILURE_MINUTES,
            datapoints_to_alarm=JWKS_FAILURE_MINUTES - 1,
        )
        alarm(
            "ModelFallbackSpike",
            alarm_description=f"{fallback_threshold} or more answers fell back to the offline composer within "
            f"{FALLBACK_SPIKE_MINUTES} minutes",
            metric=app_metric(MetricName.MODEL_FALLBACKS, period=Duration.minutes(FALLBACK_SPIKE_MINUTES)),
            threshold=fallback_threshold,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=1,
        )

        # The chat path's own failures (storage and model errors per message), not Lambda errors.
        chat_errors = alarm(
            "ChatErrorRate",
            alarm_description=f"Chat: more than {CHAT_ERROR_RATE_THRESHOLD_PERCENT}% of messages met a storage or "
            f"model error for {CHAT_ERROR_RATE_MINUTES} minutes",
            metric=cw.MathExpression(
                expression="IF(received > 0, 100 * (FILL(storage, 0) + FILL(model, 0)) / received, 0)",
                using_metrics={
                    "received": app_metric(MetricName.MESSAGES_RECEIVED),
                    "storage": app_metric(MetricName.STORAGE_ERRORS),
                    "model": app_metric(MetricName.MODEL_FALLBACKS),
                },
                period=_MINUTE,
                label="chat error rate (%)",
            ),
            threshold=CHAT_ERROR_RATE_THRESHOLD_PERCENT,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=CHAT_ERROR_RATE_MINUTES,
            datapoints_to_alarm=CHAT_ERROR_RATE_MINUTES,
        )
        api_5xx = alarm(
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
        alarm(
            "ModelThrottles",
            alarm_description=f"Bedrock throttled {MODEL_THROTTLE_THRESHOLD} or more answers in "
            f"{MODEL_THROTTLE_MINUTES} minutes (raise the quota or slow the clients)",
            metric=app_metric(MetricName.MODEL_THROTTLES, period=Duration.minutes(MODEL_THROTTLE_MINUTES)),
            threshold=MODEL_THROTTLE_THRESHOLD,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=1,
        )
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
        alarm(
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
        alarm(
            "CrisisReferrals",
            alarm_description=f"More than {crisis_baseline_per_hour} crisis answers in {CRISIS_REFERRAL_HOURS} "
            "hour (this environment's baseline): a person should look",
            metric=app_metric(MetricName.CRISIS_REFERRALS, period=Duration.hours(CRISIS_REFERRAL_HOURS)),
            threshold=crisis_baseline_per_hour,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
        )
        unhealthy = alarm(
            "WebUnhealthyHosts",
            alarm_description=f"The web ALB had an unhealthy target for {UNHEALTHY_HOSTS_MINUTES} minutes",
            metric=web.target_group.metrics.unhealthy_host_count(period=_MINUTE, statistic="Maximum"),
            threshold=1,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=UNHEALTHY_HOSTS_MINUTES,
            datapoints_to_alarm=UNHEALTHY_HOSTS_MINUTES,
        )
        service_name = web.service.service_name
        alarm(
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
        cannot_chat = [chat_errors, api_5xx, unhealthy, jwks, *(error_rates[name] for name in _CHAT_PATH_FUNCTIONS)]
        self.users_cannot_chat = cw.CompositeAlarm(
            self,
            "UsersCannotChat",
            composite_alarm_name=f"{dashboard_name}-UsersCannotChat",
            alarm_description="Users cannot chat: the chat path fails (messages, API Gateway, the authorizer, "
            "connecting, or the web tier). Open the alarms it names.",
            alarm_rule=cw.AlarmRule.any_of(*cannot_chat),
        )
        self.users_cannot_chat.add_alarm_action(action)
        self.users_cannot_chat.add_ok_action(action)

        def percentiles(name: MetricName) -> list[cw.IMetric]:
            return [app_metric(name, stat) for stat in ("p50", "p90", "p99")]

        self.dashboard = cw.Dashboard(self, "Dashboard", dashboard_name=dashboard_name)
        width = 8
        self.dashboard.add_widgets(
            cw.GraphWidget(
                title="Connections",
                width=width,
                left=[
                    app_metric(MetricName.CONNECTIONS_OPENED),
                    app_metric(MetricName.CONNECTIONS_CLOSED),
                    app_metric(MetricName.AUTH_REJECTED),
                    websocket_metric(api_id, stage, "ConnectCount"),
                ],
            ),
            cw.GraphWidget(
                title="Messages",
                width=width,
                left=[
                    app_metric(MetricName.MESSAGES_RECEIVED),
                    app_metric(MetricName.ANSWERS_COMPLETED),
                    app_metric(MetricName.RATE_LIMITED),
                    app_metric(MetricName.BAD_REQUESTS),
                    websocket_metric(api_id, stage, "MessageCount"),
                ],
            ),
            cw.GraphWidget(
                title="Time to first token (ms)",
                width=width,
                left=percentiles(MetricName.TIME_TO_FIRST_TOKEN),
                left_annotations=[cw.HorizontalAnnotation(value=TTFT_P90_THRESHOLD_MS, label="p90 alarm")],
            ),
        )
        self.dashboard.add_widgets(
            cw.GraphWidget(title="Answer duration (ms)", width=width, left=percentiles(MetricName.ANSWER_DURATION)),
            cw.GraphWidget(
                title="Output tokens",
                width=width,
                left=[app_metric(MetricName.OUTPUT_TOKENS), app_metric(MetricName.OUTPUT_TOKENS, "Average")],
            ),
            cw.GraphWidget(
                title="Throttles, fallbacks and crisis answers",
                width=width,
                left=[
                    app_metric(MetricName.MODEL_THROTTLES),
                    app_metric(MetricName.MODEL_FALLBACKS),
                    app_metric(MetricName.CRISIS_REFERRALS),
                    app_metric(MetricName.CONCERN_ANSWERS),
                    app_metric(MetricName.MODEL_RAISED_RISK),
                    app_metric(MetricName.VERSE_SUBSTITUTIONS),
                    app_metric(MetricName.CLIENT_GONE),
                    app_metric(MetricName.STORAGE_ERRORS),
                ],
            ),
        )
        self.dashboard.add_widgets(
            cw.GraphWidget(
                title="Lambda errors",
                width=width,
                left=[fn.metric_errors(period=_MINUTE, label=name) for name, fn in functions.items()],
            ),
            cw.GraphWidget(
                title="Lambda duration p90 (ms)",
                width=width,
                left=[
                    fn.metric_duration(period=_MINUTE, statistic="p90", label=name) for name, fn in functions.items()
                ],
            ),
            cw.GraphWidget(
                # WebSocket APIs report 4xx as ClientError and 5xx as IntegrationError / ExecutionError.
                title="API Gateway 4xx / 5xx",
                width=width,
                left=[
                    websocket_metric(api_id, stage, "ClientError"),
                    websocket_metric(api_id, stage, "IntegrationError"),
                    websocket_metric(api_id, stage, "ExecutionError"),
                ],
                right=[websocket_metric(api_id, stage, "IntegrationLatency", "p90")],
            ),
        )
        per_answer = {
            "answers": app_metric(MetricName.ANSWERS_COMPLETED),
            "frames": app_metric(MetricName.FRAMES_POSTED),
            "tokens": app_metric(MetricName.OUTPUT_TOKENS),
        }
        self.dashboard.add_widgets(
            cw.GraphWidget(
                title="Frames and tokens per answer",
                width=width,
                left=[
                    cw.MathExpression(
                        expression="IF(answers > 0, frames / answers, 0)",
                        using_metrics=per_answer,
                        period=_MINUTE,
                        label="frames per answer",
                    ),
                    cw.MathExpression(
                        expression="IF(answers > 0, tokens / answers, 0)",
                        using_metrics=per_answer,
                        period=_MINUTE,
                        label="output tokens per answer",
                    ),
                ],
            ),
            cw.GraphWidget(
                title="Fallback rate (%)",
                width=width,
                left=[
                    cw.MathExpression(
                        expression="IF(received > 0, 100 * FILL(fallbacks, 0) / received, 0)",
                        using_metrics={
                            "received": app_metric(MetricName.MESSAGES_RECEIVED),
                            "fallbacks": app_metric(MetricName.MODEL_FALLBACKS),
                        },
                        period=_MINUTE,
                        label="answers from the offline composer (% of messages)",
                    )
                ],
            ),
            cw.GraphWidget(
                title="Crisis and concern answers per hour",
                width=width,
                left=[
                    app_metric(MetricName.CRISIS_REFERRALS, period=Duration.hours(1)),
                    app_metric(MetricName.CONCERN_ANSWERS, period=Duration.hours(1)),
                ],
                left_annotations=[cw.HorizontalAnnotation(value=crisis_baseline_per_hour, label="crisis baseline")],
            ),
        )
        self.dashboard.add_widgets(
            cw.GraphWidget(
                title="Web tier",
                width=width,
                left=[
                    web.target_group.metrics.healthy_host_count(period=_MINUTE, statistic="Minimum"),
                    web.target_group.metrics.unhealthy_host_count(period=_MINUTE, statistic="Maximum"),
                ],
                right=[
                    container_insights_metric(web.cluster_name, service_name, "RunningTaskCount"),
                    container_insights_metric(web.cluster_name, service_name, "DesiredTaskCount"),
                ],
            ),
            cw.AlarmStatusWidget(title="Alarms", width=16, alarms=[*self.alarms, self.users_cannot_chat]),
        )
