"""Issue 15, operations: the alarms the design asks for, their topic and its address, X-Ray sampling, retention."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cdk.config import MissingAlarmEmail, default_context, load_app_config
from cdk.constants import (
    API_5XX_MINUTES,
    API_5XX_THRESHOLD,
    CHAT_ERROR_RATE_MINUTES,
    CHAT_ERROR_RATE_THRESHOLD_PERCENT,
    CRISIS_REFERRAL_HOURS,
    DYNAMODB_THROTTLE_MINUTES,
    DYNAMODB_THROTTLE_THRESHOLD,
    EDGE_OBSERVABILITY_STACK,
    EDGE_STACK,
    MODEL_THROTTLE_MINUTES,
    MODEL_THROTTLE_THRESHOLD,
    OBSERVABILITY_STACK,
    TASKS_BELOW_DESIRED_MINUTES,
    UNHEALTHY_HOSTS_MINUTES,
    WAF_BLOCKED_MINUTES,
    WAF_BLOCKED_SPIKE_PER_5_MIN,
    XRAY_SAMPLING_FIXED_RATE,
    XRAY_SAMPLING_RESERVOIR_PER_S,
)
from shared import tables
from shared.metric_names import NAMESPACE, MetricName

from .conftest import ENVIRONMENTS, EXAMPLE_ALARM_EMAIL, Synth, resources_of
from .test_observability import ISSUE_15_ALARMS, _dashboard_body, _evaluate, _math


def _alarm(template: dict[str, Any], construct_id: str) -> dict[str, Any]:
    """ChatMonitoring's (or EdgeMonitoring's) alarm of that construct id."""
    (found,) = (
        r["Properties"]
        for logical_id, r in template["Resources"].items()
        if r["Type"] == "AWS::CloudWatch::Alarm" and logical_id.startswith(f"Monitoring{construct_id}")
    )
    return dict(found)


def _only_topic(template: dict[str, Any]) -> str:
    (topic_id,) = resources_of(template, "AWS::SNS::Topic")
    return topic_id


def _metric_stat(alarm: dict[str, Any]) -> tuple[str, str, int]:
    (query,) = alarm["Metrics"]
    stat = query["MetricStat"]
    return stat["Metric"]["MetricName"], stat["Stat"], stat["Period"]


def test_staging_and_prod_refuse_to_synthesize_without_an_alarm_address() -> None:
    # Given cdk.json as it is (no address anywhere)
    config = load_app_config(default_context())
    # When staging, prod or all are selected, Then the synth stops and says what to set
    for selection in ("staging", "prod", "all"):
        with pytest.raises(MissingAlarmEmail, match="alarmEmail"):
            config.selected(selection)
    # and dev may omit it
    assert config.selected("dev")[0].alarm_email is None
    # When the operator passes -c alarmEmail=…, Then every selected environment has it
    context = {**default_context(), "alarmEmail": "ops@example.org", "emailFrom": "no-reply@example.org"}
    assert {env.alarm_email for env in load_app_config(context).selected("all")} == {"ops@example.org"}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_topics_email_the_environments_alarm_address(synth: Synth, env: str) -> None:
    # Given the region's and us-east-1's alarm topics
    for part in (OBSERVABILITY_STACK, EDGE_OBSERVABILITY_STACK):
        template = synth.stack(env, part)
        topic_id = _only_topic(template)
        subscriptions = [s["Properties"] for s in resources_of(template, "AWS::SNS::Subscription").values()]
        # Then staging and prod subscribe their address; dev, which has none, subscribes nobody
        expected = [EXAMPLE_ALARM_EMAIL[env]] if env in EXAMPLE_ALARM_EMAIL else []
        assert [s["Endpoint"] for s in subscriptions] == expected
        assert all(s["Protocol"] == "email" and s["TopicArn"] == {"Ref": topic_id} for s in subscriptions)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_chat_path_alarms_read_the_handlers_own_metrics(synth: Synth, env: str) -> None:
    # Given the chat error-rate alarm
    template = synth.stack(env, OBSERVABILITY_STACK)
    alarm = _alarm(template, "ChatErrorRate")
    expression, metrics = _math(alarm)
    # Then it divides storage and model errors by messages received (no Lambda Errors: refused tokens stay out)
    assert {m["Metric"]["MetricName"] for m in metrics.values()} == {
        MetricName.MESSAGES_RECEIVED, MetricName.STORAGE_ERRORS, MetricName.MODEL_FALLBACKS,
    }  # fmt: skip
    assert all(m["Metric"]["Namespace"] == NAMESPACE for m in metrics.values())
    assert (alarm["Threshold"], alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"]) == (
        CHAT_ERROR_RATE_THRESHOLD_PERCENT, CHAT_ERROR_RATE_MINUTES, CHAT_ERROR_RATE_MINUTES,
    )  # fmt: skip
    # When 100 messages bring 4 storage errors and 3 fallbacks, Then it reads 7 % and fires
    assert _evaluate(expression, received=100, storage=4, model=3) == 7 > alarm["Threshold"]
    # and a minute without messages guards its division, one without any datapoint is missing: not breaching
    assert expression.startswith("IF(received > 0,")
    assert alarm["TreatMissingData"] == "notBreaching"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_gateway_model_table_and_crisis_alarms(synth: Synth, env: str) -> None:
    # Given the observability stack
    template = synth.stack(env, OBSERVABILITY_STACK)
    # Then API Gateway's 5xx are its IntegrationError plus ExecutionError over 5 minutes
    api = _alarm(template, "Api5xx")
    expression, metrics = _math(api)
    assert {m["Metric"]["MetricName"] for m in metrics.values()} == {"IntegrationError", "ExecutionError"}
    assert {m["Period"] for m in metrics.values()} == {API_5XX_MINUTES * 60}
    assert _evaluate(expression, integration=7, execution=None) == 7 < api["Threshold"] == API_5XX_THRESHOLD
    # Bedrock throttles are the handler's ModelThrottles count
    throttles = _alarm(template, "ModelThrottles")
    assert _metric_stat(throttles) == (MetricName.MODEL_THROTTLES, "Sum", MODEL_THROTTLE_MINUTES * 60)
    assert throttles["Threshold"] == MODEL_THROTTLE_THRESHOLD
    # DynamoDB throttles: read and write throttle events of every table
    dynamo = _alarm(template, "DynamoDbThrottles")
    expression, metrics = _math(dynamo)
    read = {d["Value"] for m in metrics.values() if m["Metric"]["MetricName"] == "ReadThrottleEvents"
            for d in m["Metric"]["Dimensions"]}  # fmt: skip
    write = {d["Value"] for m in metrics.values() if m["Metric"]["MetricName"] == "WriteThrottleEvents"
             for d in m["Metric"]["Dimensions"]}  # fmt: skip
    assert read == write
    assert len(read) == len(tables.ALL_TABLES)
    assert {m["Period"] for m in metrics.values()} == {DYNAMODB_THROTTLE_MINUTES * 60}
    assert dynamo["Threshold"] == DYNAMODB_THROTTLE_THRESHOLD
    assert _evaluate(expression, **dict.fromkeys(metrics, None)) == 0
    # and crisis answers per hour above the environment's baseline
    crisis = _alarm(template, "CrisisReferrals")
    assert _metric_stat(crisis) == (MetricName.CRISIS_REFERRALS, "Sum", CRISIS_REFERRAL_HOURS * 3600)
    assert crisis["Threshold"] == synth.config(env).crisis_referrals_per_hour_baseline
    assert crisis["ComparisonOperator"] == "GreaterThanThreshold"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_web_tier_alarms_watch_the_alb_targets_and_the_running_tasks(synth: Synth, env: str) -> None:
    # Given the web tier's alarms
    template = synth.stack(env, OBSERVABILITY_STACK)
    unhealthy = _alarm(template, "WebUnhealthyHosts")
    # Then one unhealthy ALB target for 3 minutes fires
    assert (unhealthy["Namespace"], unhealthy["MetricName"]) == ("AWS/ApplicationELB", "UnHealthyHostCount")
    assert {d["Name"] for d in unhealthy["Dimensions"]} == {"LoadBalancer", "TargetGroup"}
    assert (unhealthy["Threshold"], unhealthy["EvaluationPeriods"]) == (1, UNHEALTHY_HOSTS_MINUTES)
    # and fewer running tasks than desired (Container Insights) for 5 minutes fires
    tasks = _alarm(template, "WebTasksBelowDesired")
    expression, metrics = _math(tasks)
    assert {m["Metric"]["Namespace"] for m in metrics.values()} == {"ECS/ContainerInsights"}
    assert tasks["EvaluationPeriods"] == TASKS_BELOW_DESIRED_MINUTES
    assert _evaluate(expression, desired=3, running=2) == 1 > tasks["Threshold"]
    assert _evaluate(expression, desired=3, running=None) == 3
    # a deploy (more running than desired) does not
    assert _evaluate(expression, desired=3, running=6) <= tasks["Threshold"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_users_cannot_chat_is_one_composite_alarm(synth: Synth, env: str) -> None:
    # Given the composite alarm
    template = synth.stack(env, OBSERVABILITY_STACK)
    (composite,) = (r["Properties"] for r in resources_of(template, "AWS::CloudWatch::CompositeAlarm").values())
    rule = json.dumps(composite["AlarmRule"])
    # Then any of the chat path's failures raises it
    inputs = ("ChatErrorRate", "Api5xx", "WebUnhealthyHosts", "JwksUnreachable", "AuthorizerErrorRate",
              "ConnectErrorRate", "SendMessageErrorRate")  # fmt: skip
    for construct_id in inputs:
        assert f'"Monitoring{construct_id}' in rule, construct_id
    assert rule.count("ALARM(") == len(inputs) and " OR " in rule
    assert composite["AlarmName"] == f"Motivator-{env}-UsersCannotChat"
    # and it notifies the topic, as every alarm does, each alarm named after the environment (the email's subject)
    topic = {"Ref": _only_topic(template)}
    assert composite["AlarmActions"] == composite["OKActions"] == [topic]
    alarms = [a["Properties"] for a in resources_of(template, "AWS::CloudWatch::Alarm").values()]
    assert all(a["AlarmActions"] == [topic] for a in alarms)
    names = {a["AlarmName"] for a in alarms}
    assert len(names) == len(alarms)
    assert all(name.startswith(f"Motivator-{env}-") for name in names)
    assert {f"Motivator-{env}-{construct_id}" for construct_id in ISSUE_15_ALARMS} <= names


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_a_waf_blocked_spike_alarms_in_us_east_1(synth: Synth, env: str) -> None:
    # Given the edge stack's web ACL and the us-east-1 observability stack
    (acl,) = resources_of(synth.stack(env, EDGE_STACK), "AWS::WAFv2::WebACL").values()
    template = synth.stack(env, EDGE_OBSERVABILITY_STACK)
    alarm = _alarm(template, "WafBlockedSpike")
    # Then it counts the web ACL's blocked requests (all rules) over 5 minutes
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == ("AWS/WAFV2", "BlockedRequests", "Sum")
    dimensions = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
    assert dimensions == {"WebACL": acl["Properties"]["VisibilityConfig"]["MetricName"], "Rule": "ALL"}
    assert (alarm["Period"], alarm["Threshold"]) == (WAF_BLOCKED_MINUTES * 60, WAF_BLOCKED_SPIKE_PER_5_MIN)
    # and notifies the topic beside it
    assert alarm["AlarmName"] == f"Motivator-{env}-WafBlockedSpike"
    assert alarm["AlarmActions"] == alarm["OKActions"] == [{"Ref": _only_topic(template)}]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_xray_sampling_is_set_per_environment(synth: Synth, env: str) -> None:
    # Given the observability stack's sampling rule
    (rule,) = resources_of(synth.stack(env, OBSERVABILITY_STACK), "AWS::XRay::SamplingRule").values()
    sampling = rule["Properties"]["SamplingRule"]
    # Then it is the environment's own, with the reservoir and rate of cdk/constants.py
    assert sampling["RuleName"] == f"Motivator-{env}"
    assert (sampling["ReservoirSize"], sampling["FixedRate"]) == (XRAY_SAMPLING_RESERVOIR_PER_S,
                                                                  XRAY_SAMPLING_FIXED_RATE)  # fmt: skip


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_log_group_keeps_the_environments_retention(synth: Synth, env: str) -> None:
    # Given every log group of the environment's stacks
    environment = synth.motivator.environments[env]
    groups = [g["Properties"] for stack in environment.all()
              for g in resources_of(synth.json(stack.artifact_id), "AWS::Logs::LogGroup").values()]  # fmt: skip
    # Then each keeps logs for the days cdk.json gives the environment
    assert groups
    assert {g.get("RetentionInDays") for g in groups} == {synth.config(env).log_retention_days}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_dashboard_shows_answers_fallbacks_and_crisis_answers(synth: Synth, env: str) -> None:
    # Given the dashboard's widgets
    widgets = {w["properties"].get("title"): w["properties"] for w in _dashboard_body(synth, env)["widgets"]}
    # Then it shows time to first delta p50 and p99, frames and tokens per answer, the fallback rate, and crisis
    # and concern answers per hour against the crisis baseline
    ttft = widgets["Time to first token (ms)"]["metrics"]
    assert {"p50", "p99"} <= {m[-1]["stat"] for m in ttft}
    expressions = [m[-1].get("expression", "") for m in widgets["Frames and tokens per answer"]["metrics"]]
    assert "IF(answers > 0, frames / answers, 0)" in expressions
    assert "IF(answers > 0, tokens / answers, 0)" in expressions
    assert any("fallbacks" in str(m) for m in widgets["Fallback rate (%)"]["metrics"])
    crisis = widgets["Crisis and concern answers per hour"]
    assert {m[1] for m in crisis["metrics"]} == {MetricName.CRISIS_REFERRALS, MetricName.CONCERN_ANSWERS}
    assert crisis["annotations"]["horizontal"][0]["value"] == synth.config(env).crisis_referrals_per_hour_baseline
