"""What the docs say about models is what the code does: the price comparison and which models cache prompts."""

from __future__ import annotations

from pathlib import Path

from devtools.prices import answer_cost, comparison
from shared.model_client import supports_prompt_caching, system_blocks
from shared.settings import Settings

DEPLOY_DOC = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"


def test_the_deploy_guide_shows_the_price_comparison_the_price_list_gives() -> None:
    """Given the list prices in devtools/prices.py
    When the per-answer comparison is computed
    Then docs/deploy.md shows exactly that table, and Nova Lite costs under a quarter of the default's answer."""
    assert comparison() in DEPLOY_DOC.read_text()
    default = Settings.model_fields["bedrock_model_id"].default
    assert answer_cost("us.amazon.nova-lite-v1:0") < answer_cost(default) / 4


def test_only_models_with_prompt_caching_get_a_cache_point() -> None:
    """Given the models the comparison names
    Then Nova and the newer Claude models (directly or through a profile) cache, Claude 3 Haiku does not,
    and a plain string prompt is never split."""
    assert supports_prompt_caching("us.amazon.nova-lite-v1:0") and supports_prompt_caching("amazon.nova-micro-v1:0")
    assert supports_prompt_caching("global.anthropic.claude-haiku-4-5-20251001-v1:0")
    assert not supports_prompt_caching("anthropic.claude-3-haiku-20240307-v1:0")
    assert system_blocks("be kind", cache=True) == [{"text": "be kind"}]


def test_the_local_bedrock_authorizes_a_profile_on_the_arns_aws_checks() -> None:
    """Given a caller of account 123456789012 in us-west-2
    When it invokes a foundation model, and then a cross-region inference profile
    Then the local endpoint checks the model's ARN, and for the profile both the profile in the caller's account and
    the foundation model it routes to: what the ChatApi stack grants (tests/infrastructure/test_models.py)."""
    from devtools.bedrock.access import model_resources

    caller = "arn:aws:sts::123456789012:assumed-role/SendMessageRole/session"
    assert model_resources("anthropic.claude-3-haiku-20240307-v1:0", "us-west-2", caller) == [
        "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
    ]
    assert model_resources("us.amazon.nova-lite-v1:0", "us-west-2", caller) == [
        "arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.amazon.nova-lite-v1:0",
        "arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-lite-v1:0",
    ]


def test_an_answer_a_guardrail_stopped_is_counted_and_its_sentence_still_streams() -> None:
    """Given a ConverseStream whose guardrail stopped the answer (its sentence streamed in place of the rest)
    When the model client reads it
    Then the text streams as it came, the stop reason says guardrail_intervened, and GuardrailInterventions counts 1."""
    from shared.model_client import GUARDRAIL_INTERVENED, ModelTurn, _texts
    from shared.observability import metrics

    events = [
        {"contentBlockDelta": {"delta": {"text": "I'm sorry, I couldn't put that into good words."}}},
        {"messageStop": {"stopReason": GUARDRAIL_INTERVENED}},
        {"metadata": {"usage": {"inputTokens": 900, "outputTokens": 12}}},
    ]
    turn = ModelTurn()
    metrics.clear_metrics()
    assert "".join(_texts(iter(events), turn)) == "I'm sorry, I couldn't put that into good words."
    assert turn.stop_reason == GUARDRAIL_INTERVENED and turn.output_tokens == 12
    assert metrics.metric_set["GuardrailInterventions"]["Value"] == [1.0]
    metrics.clear_metrics()
