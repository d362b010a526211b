"""The metric catalogue: every name the handlers emit with Powertools and the dashboards plot."""

from enum import StrEnum

NAMESPACE = "Motivator"
SERVICE = "motivator"


class MetricName(StrEnum):
    CONNECTIONS_OPENED = "ConnectionsOpened"
    CONNECTIONS_CLOSED = "ConnectionsClosed"
    AUTH_REJECTED = "AuthRejected"
    MESSAGES_RECEIVED = "MessagesReceived"
    BAD_REQUESTS = "BadRequests"
    ANSWERS_COMPLETED = "AnswersCompleted"
    TIME_TO_FIRST_TOKEN = "TimeToFirstTokenMs"
    ANSWER_DURATION = "AnswerDurationMs"
    OUTPUT_TOKENS = "OutputTokens"
    FRAMES_POSTED = "FramesPosted"
    CLIENT_GONE = "ClientGone"
    MODEL_THROTTLES = "ModelThrottles"
    MODEL_FALLBACKS = "ModelFallbacks"
    VERSE_SUBSTITUTIONS = "VerseSubstitutions"
    #: Crisis answers (resources first): a person should look when these rise above their baseline.
    CRISIS_REFERRALS = "CrisisReferrals"
    #: Ordinary answers that showed the crisis resources beside them (moderate signals, or a crisis earlier on).
    CONCERN_ANSWERS = "ConcernAnswers"
    #: Turns where the model's own risk level was higher than the detector's (the model's second opinion won).
    MODEL_RAISED_RISK = "ModelRaisedRisk"
    #: Answers a Bedrock guardrail stopped (bedrockAnswerGuardrail): the person read its gentle sentence instead.
    GUARDRAIL_INTERVENTIONS = "GuardrailInterventions"
    RATE_LIMITED = "RateLimited"
    STORAGE_ERRORS = "StorageErrors"
    #: Counted from the authorizer's log lines by a CloudWatch Logs metric filter (LOG_FILTERS), not emitted as EMF.
    JWKS_FETCH_FAILURES = "JwksFetchFailures"


#: The metrics a metric filter counts from JSON log lines: each line whose field has that value counts 1.
LOG_FILTERS: dict[MetricName, tuple[str, str]] = {MetricName.JWKS_FETCH_FAILURES: ("message", "jwks fetch failed")}
