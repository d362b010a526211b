"""Observability stack: the dashboard plots the shared metric catalogue; the alarms notify SNS."""

from __future__ import annotations

import json

import pytest

from cdk.constants import ALL_FUNCTIONS, OBSERVABILITY_STACK
from shared.metric_names import NAMESPACE, SERVICE, MetricName

from .conftest import ENVIRONMENTS, Synth, render, resources_of


def _dashboard_body(synth: Synth, env: str) -> str:
    (dashboard,) = resources_of(synth.stack(env, OBSERVABILITY_STACK), "AWS::CloudWatch::Dashboard").values()
    return render(dashboard["Properties"]["DashboardBody"])


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_dashboard_has_the_operator_widgets(synth: Synth, env: str) -> None:
    # Given the dashboard body
    body = json.loads(_dashboard_body(synth, env).replace("<", "").replace(">", ""))
    titles = {w["properties"].get("title") for w in body["widgets"]}
    # Then it has the widgets operators need
    assert {
        "Connections",
        "Messages",
        "Time to first token (ms)",
        "Answer duration (ms)",
        "Output tokens",
        "Throttles, fallbacks and crisis answers",
        "Lambda errors",
        "Lambda duration p90 (ms)",
        "API Gateway 4xx / 5xx",
        "Alarms",
    } <= titles
    metrics = [m for w in body["widgets"] for m in w["properties"].get("metrics", [])]
    app_metrics = {m[1] for m in metrics if m[0] == NAMESPACE}
    # and every app metric is the shared catalogue's, with the service dimension Powertools emits
    assert app_metrics <= {str(n) for n in MetricName}
    for name in (MetricName.CONNECTIONS_OPENED, MetricName.MESSAGES_RECEIVED, MetricName.TIME_TO_FIRST_TOKEN,
                 MetricName.ANSWER_DURATION, MetricName.OUTPUT_TOKENS, MetricName.MODEL_THROTTLES,
                 MetricName.MODEL_FALLBACKS, MetricName.CRISIS_REFERRALS):  # fmt: skip
        assert str(name) in app_metrics
    assert all(m[2:4] == ["service", SERVICE] for m in metrics if m[0] == NAMESPACE)
    ttft_stats = {m[-1]["stat"] for m in metrics if m[0] == NAMESPACE and m[1] == MetricName.TIME_TO_FIRST_TOKEN}
    assert {"p50", "p90", "p99"} <= ttft_stats
    gateway = {m[1] for m in metrics if m[0] == "AWS/ApiGateway"}
    assert {"ClientError", "IntegrationError", "ExecutionError"} <= gateway


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_alarms_cover_errors_latency_and_fallbacks_and_notify_sns(synth: Synth, env: str) -> None:
    # Given the alarms and the topic
    template = synth.stack(env, OBSERVABILITY_STACK)
    alarms = [a["Properties"] for a in resources_of(template, "AWS::CloudWatch::Alarm").values()]
    (topic_id,) = resources_of(template, "AWS::SNS::Topic")

    def single_metric(alarm: dict) -> dict:
        (query,) = alarm["Metrics"]
        return query["MetricStat"]

    # Then every function has a >5 % error-rate alarm over 5 minutes (errors / invocations)
    error_rates = [a for a in alarms if "invocations failed" in a["AlarmDescription"]]
    assert len(error_rates) == len(ALL_FUNCTIONS)
    for alarm in error_rates:
        assert (alarm["Threshold"], alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"]) == (5, 5, 5)
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
        # p90 time to first token above 5 s for 3 minutes
        expressions = {q["Id"]: q for q in alarm["Metrics"]}
        assert any("100 * errors / invocations" in q.get("Expression", "") for q in expressions.values())
        assert {q["MetricStat"]["Metric"]["MetricName"] for q in expressions.values() if "MetricStat" in q} == {
            "Errors",
            "Invocations",
        }
    # p90 time to first token above 5 s for 3 one-minute periods
    by_metric = {single_metric(a)["Metric"]["MetricName"]: a for a in alarms if a not in error_rates}
    ttft = by_metric[MetricName.TIME_TO_FIRST_TOKEN]
    stat = single_metric(ttft)
    assert (stat["Stat"], stat["Period"], ttft["Threshold"], ttft["EvaluationPeriods"]) == ("p90", 60, 5000, 3)
    assert stat["Metric"]["Namespace"] == NAMESPACE
    assert stat["Metric"]["Dimensions"] == [{"Name": "service", "Value": SERVICE}]
    # and fallback spikes
    fallbacks = by_metric[MetricName.MODEL_FALLBACKS]
    assert fallbacks["Threshold"] == synth.config(env).fallback_alarm_threshold
    assert len(alarms) == len(ALL_FUNCTIONS) + 2
    # all of them notify the topic when they fire and when they recover
    for alarm in alarms:
        assert alarm["AlarmActions"] == [{"Ref": topic_id}]
        assert alarm["OKActions"] == [{"Ref": topic_id}]
