"""The model a ChatApi stack answers with: a context value, cross-region profiles' IAM, and the optional guardrail."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from aws_cdk import App
from aws_cdk.assertions import Template

from cdk.app_builder import build
from cdk.components.answer_guardrail import ANSWER_FILTERS, BLOCKED_ANSWER
from cdk.config import default_context
from cdk.constants import ROUTE_FUNCTIONS
from cdk.nag import render

from .conftest import as_list, function_policies, resources_of

PROFILE = "us.amazon.nova-lite-v1:0"
SEND_MESSAGE = next(spec for spec in ROUTE_FUNCTIONS if spec.invokes_bedrock)


@pytest.fixture(scope="module")
def profile_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """dev's ChatApi stack with `bedrockModelId` a cross-region inference profile and `bedrockAnswerGuardrail`."""
    context = default_context()
    dev = context["environments"]["dev"]
    context["environments"] = {"dev": {**dev, "bedrockModelId": PROFILE, "bedrockAnswerGuardrail": True}}
    context["env"] = "dev"
    app = App(context=context, outdir=str(tmp_path_factory.mktemp("cdk.out")))
    stack = build(app).environments["dev"].chat_api
    yield dict(Template.from_stack(stack).to_json())


def _send_message(template: dict[str, Any]) -> tuple[dict[str, str], list[dict[str, Any]]]:
    functions = resources_of(template, "AWS::Lambda::Function").values()
    (function,) = [f for f in functions if f["Properties"]["Handler"] == SEND_MESSAGE.handler]
    return function["Properties"]["Environment"]["Variables"], function_policies(template)[SEND_MESSAGE.handler]


def test_a_cross_region_profile_may_be_invoked_with_the_models_it_routes_to(profile_stack: dict[str, Any]) -> None:
    """Given bedrockModelId set to a cross-region inference profile (us.amazon.nova-lite-v1:0)
    When the ChatApi stack is synthesized
    Then sendMessage is told that id, and may stream from the profile in its own region and from the foundation
    model in whichever region the profile routes to, nothing else."""
    variables, statements = _send_message(profile_stack)
    assert variables["BEDROCK_MODEL_ID"] == PROFILE
    (statement,) = [s for s in statements if "bedrock:InvokeModelWithResponseStream" in as_list(s["Action"])]
    assert sorted(render(r) for r in as_list(statement["Resource"])) == [
        "arn:aws:bedrock:*::foundation-model/amazon.nova-lite-v1:0",
        f"arn:aws:bedrock:us-west-2:<AWS::AccountId>:inference-profile/{PROFILE}",
    ]


def test_the_answer_guardrail_filters_answers_only_and_sendmessage_applies_it(profile_stack: dict[str, Any]) -> None:
    """Given bedrockAnswerGuardrail: true
    When the ChatApi stack is synthesized
    Then a guardrail filters the answer text (never the person's message) and shows a gentle sentence instead,
    and sendMessage gets its id and version and may apply exactly that guardrail."""
    (guardrail,) = resources_of(profile_stack, "AWS::Bedrock::Guardrail").values()
    filters = guardrail["Properties"]["ContentPolicyConfig"]["FiltersConfig"]
    assert sorted(f["Type"] for f in filters) == sorted(ANSWER_FILTERS)
    assert all(f["InputStrength"] == "NONE" and f["InputEnabled"] is False and f["OutputEnabled"] for f in filters)
    assert guardrail["Properties"]["BlockedOutputsMessaging"] == BLOCKED_ANSWER
    assert len(resources_of(profile_stack, "AWS::Bedrock::GuardrailVersion")) == 1
    variables, statements = _send_message(profile_stack)
    assert render(variables["BEDROCK_GUARDRAIL_ID"]).endswith(".GuardrailId>")
    assert render(variables["BEDROCK_GUARDRAIL_VERSION"]).endswith(".Version>")
    (apply,) = [s for s in statements if "bedrock:ApplyGuardrail" in as_list(s["Action"])]
    assert render(apply["Resource"]).endswith(".GuardrailArn>")
