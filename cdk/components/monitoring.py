"""The operators' view: one dashboard and the alarms, from the shared metric catalogue."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk.constants import (
    AUTHORIZER,
    ERROR_RATE_MINUTES,
    ERROR_RATE_THRESHOLD_PERCENT,
    FALLBACK_SPIKE_MINUTES,
    JWKS_FAILURE_MINUTES,
    JWKS_FETCH_FAILURES,
    TTFT_P90_MINUTES,
    TTFT_P90_THRESHOLD_MS,
)
from shared.metric_names import NAMESPACE, SERVICE, MetricName

_MINUTE = Duration.minutes(1)

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
    ) -> None:
        super().__init__(scope, construct_id)
        action = cw_actions.SnsAction(topic)
        self.alarms: list[cw.Alarm] = []

        def alarm(alarm_id: str, **kwargs: object) -> cw.Alarm:
            created = cw.Alarm(self, alarm_id, treat_missing_data=cw.TreatMissingData.NOT_BREACHING, **kwargs)  # type: ignore[arg-type]
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
            alarm(
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
        alarm(
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
        self.dashboard.add_widgets(
            cw.AlarmStatusWidget(title="Alarms", width=24, alarms=self.alarms),
        )
