"""Observability stack: the dashboard plots the shared metric catalogue; the alarms notify SNS."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from cdk.constants import ALL_FUNCTIONS, AUTHORIZER, CHAT_API_STACK, OBSERVABILITY_STACK
from shared.auth import JwksCache
from shared.dashboard import Expression, Thresholds, dashboard
from shared.metric_names import NAMESPACE, SERVICE, MetricName
from shared.observability import logger

from .conftest import ENVIRONMENTS, Synth, resources_of

#: The alarms of issue 15, by construct id (ChatMonitoring's), beside the per-function error rates, p90 time to
#: first token, JWKS and fallback spike alarms.
ISSUE_15_ALARMS = ("ChatErrorRate", "Api5xx", "ModelThrottles", "DynamoDbThrottles", "CrisisReferrals",
                   "WebUnhealthyHosts", "WebTasksBelowDesired")  # fmt: skip


def _alarms(synth: Synth, env: str) -> list[dict[str, Any]]:
    return [
        a["Properties"] for a in resources_of(synth.stack(env, OBSERVABILITY_STACK), "AWS::CloudWatch::Alarm").values()
    ]


def _math(alarm: dict[str, Any]) -> tuple[str, dict[str, dict[str, Any]]]:
    """A metric-math alarm's expression and its metrics by id."""
    (expression,) = (q["Expression"] for q in alarm["Metrics"] if "Expression" in q)
    return expression, {q["Id"]: q["MetricStat"] for q in alarm["Metrics"] if "MetricStat" in q}


def _evaluate(expression: str, **datapoints: float | None) -> float:
    """The value CloudWatch computes for one minute's datapoints (None: the metric has none that minute)."""
    functions = {"IF": lambda test, then, other: then if test else other, "FILL": lambda m, v: v if m is None else m}
    return float(eval(expression, {"__builtins__": {}}, {**functions, **datapoints}))


def _dashboard_body(synth: Synth, env: str) -> dict[str, Any]:
    """The dashboard's JSON, each CloudFormation value in it (a Ref, an import, a Select) read as "TOKEN"."""
    (dashboard,) = resources_of(synth.stack(env, OBSERVABILITY_STACK), "AWS::CloudWatch::Dashboard").values()
    body = dashboard["Properties"]["DashboardBody"]
    separator, parts = body["Fn::Join"] if isinstance(body, dict) else ("", [body])
    return dict(json.loads(separator.join(part if isinstance(part, str) else "TOKEN" for part in parts)))


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_dashboard_has_the_operator_widgets(synth: Synth, env: str) -> None:
    # Given the dashboard body
    body = _dashboard_body(synth, env)
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
        expression, metrics = _math(alarm)
        assert _evaluate(expression, errors=12, invocations=200, answered=None) == 6
        assert {"Errors", "Invocations"} <= {m["Metric"]["MetricName"] for m in metrics.values()}
    # p90 time to first token above 5 s for 3 one-minute periods
    single = [a for a in alarms if a not in error_rates and len(a.get("Metrics", [])) == 1]
    by_metric = {single_metric(a)["Metric"]["MetricName"]: a for a in single}
    ttft = by_metric[MetricName.TIME_TO_FIRST_TOKEN]
    stat = single_metric(ttft)
    assert (stat["Stat"], stat["Period"], ttft["Threshold"], ttft["EvaluationPeriods"]) == ("p90", 60, 5000, 3)
    assert stat["Metric"]["Namespace"] == NAMESPACE
    assert stat["Metric"]["Dimensions"] == [{"Name": "service", "Value": SERVICE}]
    # and fallback spikes
    fallbacks = by_metric[MetricName.MODEL_FALLBACKS]
    assert fallbacks["Threshold"] == synth.config(env).fallback_alarm_threshold
    assert len(alarms) == len(ALL_FUNCTIONS) + 3 + len(ISSUE_15_ALARMS)
    # all of them notify the topic when they fire and when they recover
    for alarm in alarms:
        assert alarm["AlarmActions"] == [{"Ref": topic_id}]
        assert alarm["OKActions"] == [{"Ref": topic_id}]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_refused_tokens_do_not_count_as_authorizer_failures(synth: Synth, env: str) -> None:
    # Given the authorizer's error-rate alarm
    (alarm,) = (a for a in _alarms(synth, env) if a["AlarmDescription"].startswith(f"{AUTHORIZER.name}:"))
    expression, metrics = _math(alarm)
    # Then refusals are read from the AuthRejected count the authorizer emits with each refused token
    answered = metrics["answered"]["Metric"]
    assert (answered["Namespace"], answered["MetricName"]) == (NAMESPACE, MetricName.AUTH_REJECTED)
    assert answered["Dimensions"] == [{"Name": "service", "Value": SERVICE}]
    assert metrics["errors"]["Metric"]["MetricName"] == "Errors"
    # When a minute brings 200 connection attempts of bots and expired tokens, every one refused (a raised
    # "Unauthorized": a Lambda error each), Then the alarm sees 0 %, far below its threshold
    assert _evaluate(expression, invocations=200, errors=200, answered=200) == 0
    # When 30 of 200 invocations fail for real, 10 of them refusals, Then it sees 10 % and fires
    assert _evaluate(expression, invocations=200, errors=30, answered=10) == 10 > alarm["Threshold"]
    # and a minute without refusals counts every error
    assert _evaluate(expression, invocations=100, errors=6, answered=None) == 6


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_an_unreachable_jwks_raises_an_alarm_from_the_authorizer_log(
    synth: Synth, env: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Given the metric filter on the authorizer's log group and the alarm on its metric
    chat_api = synth.stack(env, CHAT_API_STACK)
    (metric_filter,) = resources_of(chat_api, "AWS::Logs::MetricFilter").values()
    (authorizer,) = (
        f["Properties"]
        for f in resources_of(chat_api, "AWS::Lambda::Function").values()
        if f["Properties"].get("Handler") == AUTHORIZER.handler
    )
    assert metric_filter["Properties"]["LogGroupName"] == authorizer["LoggingConfig"]["LogGroup"]
    (transformation,) = metric_filter["Properties"]["MetricTransformations"]
    (alarm,) = (a for a in _alarms(synth, env) if "JWKS" in a["AlarmDescription"])
    (query,) = alarm["Metrics"]
    metric = query["MetricStat"]["Metric"]
    assert (metric["Namespace"], metric["MetricName"]) == (
        transformation["MetricNamespace"],
        transformation["MetricName"],
    )
    assert metric["Dimensions"] == [{"Name": "service", "Value": SERVICE}]

    # When the authorizer cannot fetch the user pool's keys
    def unreachable(url: str) -> dict[str, Any]:
        raise OSError("connection refused")

    JwksCache("https://cognito-idp.example/jwks.json", fetch=unreachable).key("any-kid")
    # (each record as the Lambda writes it to CloudWatch Logs: one JSON object, Powertools' formatter)
    records = [json.loads(logger.registered_formatter.format(r)) for r in caplog.records]
    # Then the line it logs is one the filter counts, with the dimension the alarm reads
    pattern = re.fullmatch(r'\{ \$\.(\w+) = "(.+)" \}', metric_filter["Properties"]["FilterPattern"])
    assert pattern, metric_filter["Properties"]["FilterPattern"]
    field, value = pattern.groups()
    counted = [r for r in records if r.get(field) == value]
    assert counted
    assert all(r["service"] == SERVICE for r in counted)
    assert transformation["Dimensions"] == [{"Key": "service", "Value": "$.service"}]


_OPERATORS = {">": "GreaterThanThreshold", ">=": "GreaterThanOrEqualToThreshold"}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_dashboard_and_app_alarms_are_drawn_from_the_shared_definition(synth: Synth, env: str) -> None:
    """Given the shared definition with the environment's thresholds and the synthesized dashboard and alarms,
    When each definition widget is looked up by title and each alarm by name,
    Then the graph plots exactly its metrics (name, statistic, period) and expressions, and each alarm has its
    threshold, comparison, periods and expression: what `motivator ops` evaluates is what CloudWatch does."""
    config = synth.config(env)
    board = dashboard(Thresholds(config.fallback_alarm_threshold, config.crisis_referrals_per_hour_baseline))
    widgets = {w["properties"].get("title"): w["properties"] for w in _dashboard_body(synth, env)["widgets"]}
    for widget in board.widgets:
        drawn = widgets[widget.title]["metrics"]
        expected = {
            (m.name.value, m.stat, m.period_s)
            for s in widget.series
            for m in (s.using if isinstance(s, Expression) else (s,))
        }
        plotted = {(m[1], m[-1].get("stat", "Average"), m[-1].get("period", 300)) for m in drawn if m[0] == NAMESPACE}
        assert plotted == expected, widget.title
        expressions = {m[-1]["expression"] for m in drawn if "expression" in m[-1]}
        assert expressions == {s.expression for s in widget.series if isinstance(s, Expression)}, widget.title
    alarms = {a["AlarmName"]: a for a in _alarms(synth, env)}
    for spec in board.alarms:
        alarm = alarms[f"Motivator-{env}-{spec.id}"]
        assert alarm["Threshold"] == spec.threshold
        assert alarm["ComparisonOperator"] == _OPERATORS[spec.comparison]
        assert (alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"]) == (
            spec.evaluation_periods,
            spec.datapoints_to_alarm,
        )
        if isinstance(spec.series, Expression):
            assert _math(alarm)[0] == spec.series.expression
        else:
            (query,) = alarm["Metrics"]
            stat = query["MetricStat"]
            assert (stat["Metric"]["MetricName"], stat["Stat"], stat["Period"]) == (
                spec.series.name,
                spec.series.stat,
                spec.series.period_s,
            )
