"""The Bedrock ConverseStream client: one call per turn, text tokens out, usage and stop reason recorded."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from shared.engine.prompt import SystemPrompt
from shared.metric_names import MetricName
from shared.observability import logger, metrics
from shared.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient

THROTTLING_CODES = frozenset({"ThrottlingException", "throttlingException", "ModelNotReadyException"})
#: The stop reason of an answer a guardrail replaced with its blocked-output sentence.
GUARDRAIL_INTERVENED = "guardrail_intervened"

#: Prefixes of Bedrock cross-region inference profile IDs ("us.anthropic.claude-…", "global.…").
INFERENCE_PROFILE_PREFIXES = ("us", "eu", "apac", "jp", "au", "ca", "us-gov", "global")
#: Foundation models whose Converse API caches the prompt up to a cachePoint block (Bedrock prompt caching).
PROMPT_CACHING_MODELS = (
    "anthropic.claude-3-5-haiku",
    "anthropic.claude-3-7-sonnet",
    "anthropic.claude-haiku-4-5",
    "anthropic.claude-sonnet-4",
    "anthropic.claude-opus-4",
    "amazon.nova-micro",
    "amazon.nova-lite",
    "amazon.nova-pro",
    "amazon.nova-premier",
)
#: The block after which Bedrock caches the prompt (botocore's CachePointBlock).
CACHE_POINT = {"cachePoint": {"type": "default"}}


def foundation_model_id(model_id: str) -> str | None:
    """The foundation model an inference profile ID routes to; None when the ID is a foundation model's own."""
    prefix, _, base = model_id.partition(".")
    return base if prefix in INFERENCE_PROFILE_PREFIXES and base else None


def supports_prompt_caching(model_id: str) -> bool:
    base = foundation_model_id(model_id) or model_id
    return base.startswith(PROMPT_CACHING_MODELS)


def system_blocks(system: str, *, cache: bool) -> list[dict[str, Any]]:
    """The Converse system blocks: with a cache point after the fixed instructions when the model caches."""
    if cache and isinstance(system, SystemPrompt):
        return [{"text": system.fixed}, CACHE_POINT, {"text": system.turn}]
    return [{"text": str(system)}]


class ModelUnavailable(Exception):
    """The model could not start an answer (after botocore's retries)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class ModelTurn:
    """What one ConverseStream call produced besides its text."""

    input_tokens: int = 0
    output_tokens: int = 0
    #: Prompt tokens Bedrock read from / wrote to its prompt cache (not counted in input_tokens).
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    stop_reason: str | None = None
    retry_attempts: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ModelStream:
    tokens: Iterator[str]
    turn: ModelTurn
    close: Any


class BedrockModel:
    """Starts a ConverseStream call; errors before the stream starts become ModelUnavailable."""

    def __init__(self, client: BedrockRuntimeClient, settings: Settings) -> None:
        self._client = client
        self._settings = settings
        self._cache = supports_prompt_caching(settings.bedrock_model_id)

    def start(self, system: str, messages: list[dict[str, Any]]) -> ModelStream:
        request: dict[str, Any] = {
            "modelId": self._settings.bedrock_model_id,
            "messages": messages,
            "system": system_blocks(system, cache=self._cache),
            "inferenceConfig": {
                "maxTokens": self._settings.bedrock_max_tokens,
                "temperature": self._settings.bedrock_temperature,
            },
        }
        if self._settings.bedrock_guardrail_id:
            request["guardrailConfig"] = {
                "guardrailIdentifier": self._settings.bedrock_guardrail_id,
                "guardrailVersion": self._settings.bedrock_guardrail_version,
                # Each piece of the answer is checked before it is streamed: a person never reads unchecked text.
                "streamProcessingMode": "sync",
            }
        try:
            response = self._client.converse_stream(**request)
        except ClientError as exc:
            raise ModelUnavailable(exc.response.get("Error", {}).get("Code", "ClientError")) from exc
        except BotoCoreError as exc:
            raise ModelUnavailable(type(exc).__name__) from exc
        turn = ModelTurn(retry_attempts=response["ResponseMetadata"].get("RetryAttempts", 0))
        stream = response["stream"]
        return ModelStream(tokens=_texts(stream, turn), turn=turn, close=stream.close)


def _texts(stream: Any, turn: ModelTurn) -> Iterator[str]:
    for event in stream:
        if "contentBlockDelta" in event:
            text = event["contentBlockDelta"].get("delta", {}).get("text")
            if text:
                yield text
        elif "messageStop" in event:
            turn.stop_reason = event["messageStop"].get("stopReason")
            if turn.stop_reason == GUARDRAIL_INTERVENED:
                logger.warning("guardrail stopped an answer")
                metrics.add_metric(name=MetricName.GUARDRAIL_INTERVENTIONS, unit="Count", value=1)
        elif "metadata" in event:
            usage = event["metadata"].get("usage", {})
            turn.input_tokens = int(usage.get("inputTokens", 0))
            turn.output_tokens = int(usage.get("outputTokens", 0))
            turn.cache_read_tokens = int(usage.get("cacheReadInputTokens", 0))
            turn.cache_write_tokens = int(usage.get("cacheWriteInputTokens", 0))
    if turn.stop_reason is None:
        # botocore ends quietly when the body stops mid-message; an answer without messageStop is cut.
        raise ModelUnavailable("stream_cut")


def to_messages(history: list[tuple[str, str]], message: str) -> list[dict[str, Any]]:
    """Converse messages from earlier (user, assistant) turns and the new user message."""
    messages: list[dict[str, Any]] = []
    for user_text, assistant_text in history:
        messages.append({"role": "user", "content": [{"text": user_text}]})
        messages.append({"role": "assistant", "content": [{"text": assistant_text}]})
    messages.append({"role": "user", "content": [{"text": message}]})
    return messages
