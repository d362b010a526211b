"""The CloudWatch dashboard: shared.dashboard's widgets drawn as CloudWatch graphs, beside the AWS services' own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from shared import dashboard as definition
from shared.metric_names import NAMESPACE, SERVICE, MetricName

MINUTE = Duration.minutes(1)
WIDTH = 8


def app_metric(
    name: MetricName | str, statistic: str = "Sum", period: Duration = MINUTE, label: str | None = None
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


def series_metric(series: definition.Series) -> cw.IMetric:
    """One series of the shared definition as CloudWatch reads it (a metric, or metric math over metrics)."""
    if isinstance(series, definition.Metric):
        return app_metric(series.name, series.stat, Duration.seconds(series.period_s), series.title)
    return cw.MathExpression(
        expression=series.expression,
        using_metrics={m.id: app_metric(m.name, m.stat, Duration.seconds(m.period_s)) for m in series.using},
        period=Duration.seconds(series.period_s),
        label=series.label,
    )


def graph(widget: definition.Widget) -> cw.GraphWidget:
    line = widget.annotation
    return cw.GraphWidget(
        title=widget.title,
        width=WIDTH,
        left=[series_metric(s) for s in widget.series],
        left_annotations=[cw.HorizontalAnnotation(value=line.value, label=line.label)] if line else None,
    )


def websocket_metric(api_id: str, stage: str, name: str, statistic: str = "Sum") -> cw.Metric:
    return cw.Metric(
        namespace="AWS/ApiGateway",
        metric_name=name,
        dimensions_map={"ApiId": api_id, "Stage": stage},
        statistic=statistic,
        period=MINUTE,
    )


def container_insights_metric(cluster_name: str, service_name: str, name: str) -> cw.Metric:
    return cw.Metric(
        namespace="ECS/ContainerInsights",
        metric_name=name,
        dimensions_map={"ClusterName": cluster_name, "ServiceName": service_name},
        statistic="Average",
        period=MINUTE,
    )


def service_widgets(
    functions: Mapping[str, lambda_.IFunction],
    api_id: str,
    stage: str,
    target_group: elbv2.IApplicationTargetGroup,
    service: ecs.IBaseService,
    cluster_name: str,
) -> list[cw.IWidget]:
    """What only CloudWatch has: the Lambda, API Gateway, ALB and ECS metrics (no local counterpart)."""
    return [
        cw.GraphWidget(
            title="Lambda errors",
            width=WIDTH,
            left=[fn.metric_errors(period=MINUTE, label=name) for name, fn in functions.items()],
        ),
        cw.GraphWidget(
            title="Lambda duration p90 (ms)",
            width=WIDTH,
            left=[fn.metric_duration(period=MINUTE, statistic="p90", label=name) for name, fn in functions.items()],
        ),
        cw.GraphWidget(
            # WebSocket APIs report 4xx as ClientError and 5xx as IntegrationError / ExecutionError.
            title="API Gateway 4xx / 5xx",
            width=WIDTH,
            left=[
                websocket_metric(api_id, stage, "ConnectCount"),
                websocket_metric(api_id, stage, "MessageCount"),
                websocket_metric(api_id, stage, "ClientError"),
                websocket_metric(api_id, stage, "IntegrationError"),
                websocket_metric(api_id, stage, "ExecutionError"),
            ],
            right=[websocket_metric(api_id, stage, "IntegrationLatency", "p90")],
        ),
        cw.GraphWidget(
            title="Web tier",
            width=WIDTH,
            left=[
                target_group.metrics.healthy_host_count(period=MINUTE, statistic="Minimum"),
                target_group.metrics.unhealthy_host_count(period=MINUTE, statistic="Maximum"),
            ],
            right=[
                container_insights_metric(cluster_name, service.service_name, "RunningTaskCount"),
                container_insights_metric(cluster_name, service.service_name, "DesiredTaskCount"),
            ],
        ),
    ]


def build_dashboard(
    scope: Construct,
    name: str,
    shared: definition.Dashboard,
    services: Sequence[cw.IWidget],
    alarms: Sequence[cw.IAlarm],
) -> cw.Dashboard:
    """The shared widgets in rows of three, then the services' graphs, then every alarm's state."""
    board = cw.Dashboard(scope, "Dashboard", dashboard_name=name)
    graphs: list[cw.IWidget] = [graph(w) for w in shared.widgets]
    widgets = [*graphs, *services]
    for start in range(0, len(widgets), 3):
        board.add_widgets(*widgets[start : start + 3])
    board.add_widgets(cw.AlarmStatusWidget(title="Alarms", width=3 * WIDTH, alarms=list(alarms)))
    return board
