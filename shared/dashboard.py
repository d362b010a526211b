"""The operators' dashboard and alarms as data: the CDK stack draws them on CloudWatch, the local ops views
(`motivator ops`, the web client's /ops page) evaluate the same series on the handlers' own EMF lines.

Pure data (no aws_cdk): cdk/components/dashboard.py turns it into CloudWatch constructs, shared.ops_eval computes
it locally. Thresholds that differ per environment come in as `Thresholds` (cdk.json's values).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shared.metric_names import MetricName

MINUTE_S = 60
HOUR_S = 3600
#: The Cognito group whose members may open the web client's /ops page (its ID token's `cognito:groups`).
OPERATORS_GROUP = "operators"

# Alarm thresholds on the application's own metrics (the AWS services' alarms keep theirs in cdk/constants.py).
TTFT_P90_THRESHOLD_MS = 5000
TTFT_P90_MINUTES = 3
FALLBACK_SPIKE_MINUTES = 5
JWKS_FAILURE_MINUTES = 3
#: The chat path's own failure rate: storage and model errors of SendMessage per message received.
CHAT_ERROR_RATE_THRESHOLD_PERCENT = 5
CHAT_ERROR_RATE_MINUTES = 5
#: Bedrock throttles (ModelThrottles) per 5 minutes.
MODEL_THROTTLE_THRESHOLD = 5
MODEL_THROTTLE_MINUTES = 5
CRISIS_REFERRAL_HOURS = 1

Statistic = Literal["Sum", "Average", "Maximum", "Minimum", "SampleCount", "p50", "p90", "p99"]
Comparison = Literal[">", ">="]


@dataclass(frozen=True)
class Metric:
    """One application metric (namespace NAMESPACE, dimension service=SERVICE) at one statistic and period; `id` is
    its name inside an Expression."""

    name: MetricName
    stat: Statistic = "Sum"
    period_s: int = MINUTE_S
    id: str = ""
    label: str = ""

    @property
    def title(self) -> str:
        return self.label or f"{self.name} ({self.stat})"


@dataclass(frozen=True)
class Expression:
    """CloudWatch metric math over metrics by id: IF, FILL, + - * / and comparisons (what shared.ops_eval reads)."""

    expression: str
    using: tuple[Metric, ...]
    label: str
    period_s: int = MINUTE_S

    @property
    def title(self) -> str:
        return self.label


Series = Metric | Expression


@dataclass(frozen=True)
class Annotation:
    """A horizontal line on a graph, e.g. an alarm's threshold."""

    value: float
    label: str


@dataclass(frozen=True)
class Widget:
    """One graph; `key` names it in `motivator ops --once --json`."""

    key: str
    title: str
    series: tuple[Series, ...]
    annotation: Annotation | None = None


@dataclass(frozen=True)
class Alarm:
    """An alarm on one series: ALARM when `datapoints_to_alarm` of the last `evaluation_periods` periods breach
    (missing data is not breaching). `id` is the construct id; CloudWatch names it "<dashboard>-<id>"."""

    id: str
    description: str
    series: Series
    threshold: float
    comparison: Comparison
    evaluation_periods: int = 1
    datapoints_to_alarm: int = 1

    def breaches(self, value: float | None) -> bool:
        if value is None:
            return False
        return value > self.threshold if self.comparison == ">" else value >= self.threshold


@dataclass(frozen=True)
class Thresholds:
    """The thresholds cdk.json sets per environment (cdk.config.EnvironmentConfig)."""

    fallbacks_per_window: int = 5
    crisis_per_hour: int = 3


@dataclass(frozen=True)
class Dashboard:
    widgets: tuple[Widget, ...]
    alarms: tuple[Alarm, ...]

    def metrics(self) -> set[MetricName]:
        """Every application metric a widget or an alarm reads."""
        series = [s for w in self.widgets for s in w.series] + [a.series for a in self.alarms]
        return {m.name for s in series for m in (s.using if isinstance(s, Expression) else (s,))}

    def alarm(self, alarm_id: str) -> Alarm:
        (found,) = (a for a in self.alarms if a.id == alarm_id)
        return found


def _percentiles(name: MetricName) -> tuple[Metric, ...]:
    return tuple(Metric(name, stat) for stat in ("p50", "p90", "p99"))


def _counts(*names: MetricName, period_s: int = MINUTE_S) -> tuple[Metric, ...]:
    return tuple(Metric(name, period_s=period_s) for name in names)


_PER_ANSWER = (
    Metric(MetricName.ANSWERS_COMPLETED, id="answers"),
    Metric(MetricName.FRAMES_POSTED, id="frames"),
    Metric(MetricName.OUTPUT_TOKENS, id="tokens"),
)


#: Answers from the offline composer, as a share of the messages received.
_FALLBACK_RATE = Expression(
    "IF(received > 0, 100 * FILL(fallbacks, 0) / received, 0)",
    (Metric(MetricName.MESSAGES_RECEIVED, id="received"), Metric(MetricName.MODEL_FALLBACKS, id="fallbacks")),
    "answers from the offline composer (% of messages)",
)
#: The chat path's own failures: storage and model errors per message received.
_CHAT_ERROR_RATE = Expression(
    "IF(received > 0, 100 * (FILL(storage, 0) + FILL(model, 0)) / received, 0)",
    (
        Metric(MetricName.MESSAGES_RECEIVED, id="received"),
        Metric(MetricName.STORAGE_ERRORS, id="storage"),
        Metric(MetricName.MODEL_FALLBACKS, id="model"),
    ),
    "chat error rate (%)",
)


def dashboard(thresholds: Thresholds) -> Dashboard:
    """The dashboard and the application alarms of one environment."""
    return Dashboard(widgets=_widgets(thresholds), alarms=_alarms(thresholds))


def _widgets(thresholds: Thresholds) -> tuple[Widget, ...]:
    return (
        Widget("connections", "Connections", _counts(MetricName.CONNECTIONS_OPENED, MetricName.CONNECTIONS_CLOSED)),
        Widget("messages", "Messages", _counts(MetricName.MESSAGES_RECEIVED, MetricName.ANSWERS_COMPLETED)),
        Widget(
            "time_to_first_token",
            "Time to first token (ms)",
            _percentiles(MetricName.TIME_TO_FIRST_TOKEN),
            Annotation(TTFT_P90_THRESHOLD_MS, "p90 alarm"),
        ),
        Widget("answer_duration", "Answer duration (ms)", _percentiles(MetricName.ANSWER_DURATION)),
        Widget(
            "per_answer",
            "Frames and tokens per answer",
            (
                Expression("IF(answers > 0, frames / answers, 0)", _PER_ANSWER, "frames per answer"),
                Expression("IF(answers > 0, tokens / answers, 0)", _PER_ANSWER, "output tokens per answer"),
            ),
        ),
        Widget(
            "fallback_rate",
            "Fallback rate (%)",
            (_FALLBACK_RATE,),
        ),
        Widget("rate_limited", "Rate limited", _counts(MetricName.RATE_LIMITED)),
        Widget("bad_requests", "Bad requests", _counts(MetricName.BAD_REQUESTS)),
        Widget("auth_refusals", "Auth refusals", _counts(MetricName.AUTH_REJECTED, MetricName.JWKS_FETCH_FAILURES)),
        Widget(
            "crisis_referrals",
            "Crisis and concern answers per hour",
            _counts(MetricName.CRISIS_REFERRALS, MetricName.CONCERN_ANSWERS, period_s=HOUR_S),
            Annotation(thresholds.crisis_per_hour, "crisis baseline"),
        ),
        Widget("storage_errors", "Storage errors", _counts(MetricName.STORAGE_ERRORS)),
        Widget(
            "model",
            "Throttles, fallbacks and crisis answers",
            _counts(
                MetricName.MODEL_THROTTLES,
                MetricName.MODEL_FALLBACKS,
                MetricName.CRISIS_REFERRALS,
                MetricName.MODEL_RAISED_RISK,
                MetricName.VERSE_SUBSTITUTIONS,
                MetricName.CLIENT_GONE,
                MetricName.GUARDRAIL_INTERVENTIONS,
            ),
        ),
        Widget(
            "output_tokens",
            "Output tokens",
            (Metric(MetricName.OUTPUT_TOKENS), Metric(MetricName.OUTPUT_TOKENS, "Average")),
        ),
    )


def _alarms(thresholds: Thresholds) -> tuple[Alarm, ...]:
    return (
        Alarm(
            "TimeToFirstTokenP90",
            f"p90 time to first token above {TTFT_P90_THRESHOLD_MS} ms for {TTFT_P90_MINUTES} minutes",
            Metric(MetricName.TIME_TO_FIRST_TOKEN, "p90"),
            TTFT_P90_THRESHOLD_MS,
            ">",
            TTFT_P90_MINUTES,
            TTFT_P90_MINUTES,
        ),
        Alarm(
            "JwksUnreachable",
            "The authorizer could not fetch the user pool's signing keys (JWKS) in "
            f"{JWKS_FAILURE_MINUTES - 1} of {JWKS_FAILURE_MINUTES} minutes: new and rotated tokens are refused",
            Metric(MetricName.JWKS_FETCH_FAILURES),
            1,
            ">=",
            JWKS_FAILURE_MINUTES,
            JWKS_FAILURE_MINUTES - 1,
        ),
        Alarm(
            "ModelFallbackSpike",
            f"{thresholds.fallbacks_per_window} or more answers fell back to the offline composer within "
            f"{FALLBACK_SPIKE_MINUTES} minutes",
            Metric(MetricName.MODEL_FALLBACKS, period_s=FALLBACK_SPIKE_MINUTES * MINUTE_S),
            thresholds.fallbacks_per_window,
            ">=",
        ),
        Alarm(
            "ChatErrorRate",
            f"Chat: more than {CHAT_ERROR_RATE_THRESHOLD_PERCENT}% of messages met a storage or model error for "
            f"{CHAT_ERROR_RATE_MINUTES} minutes",
            _CHAT_ERROR_RATE,
            CHAT_ERROR_RATE_THRESHOLD_PERCENT,
            ">",
            CHAT_ERROR_RATE_MINUTES,
            CHAT_ERROR_RATE_MINUTES,
        ),
        Alarm(
            "ModelThrottles",
            f"Bedrock throttled {MODEL_THROTTLE_THRESHOLD} or more answers in {MODEL_THROTTLE_MINUTES} minutes "
            "(raise the quota or slow the clients)",
            Metric(MetricName.MODEL_THROTTLES, period_s=MODEL_THROTTLE_MINUTES * MINUTE_S),
            MODEL_THROTTLE_THRESHOLD,
            ">=",
        ),
        Alarm(
            "CrisisReferrals",
            f"More than {thresholds.crisis_per_hour} crisis answers in {CRISIS_REFERRAL_HOURS} hour (this "
            "environment's baseline): a person should look",
            Metric(MetricName.CRISIS_REFERRALS, period_s=CRISIS_REFERRAL_HOURS * HOUR_S),
            thresholds.crisis_per_hour,
            ">",
        ),
    )
