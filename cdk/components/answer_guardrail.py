"""An optional Bedrock guardrail on the model's answer text only: what a person writes is never blocked by it."""

from __future__ import annotations

import hashlib
import json

from aws_cdk import aws_bedrock as bedrock
from constructs import Construct

#: Content filters applied to the answer (output) at this strength; MEDIUM leaves room for words such as
#: "hurting yourself" in an answer that points to 988, which HIGH on VIOLENCE could refuse.
ANSWER_FILTERS = ("HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT")
ANSWER_FILTER_STRENGTH = "MEDIUM"
#: What the person reads instead of an answer the guardrail stopped (Bedrock streams it as the answer's text).
BLOCKED_ANSWER = (
    "I'm sorry, I couldn't put that into good words. You matter, and you are not alone. Please tell me a little "
    "more, and if you are struggling, reach out to someone you trust or call or text 988 (US)."
)
#: Never shown: input filtering is off (care first: nothing stands between a person and an answer).
BLOCKED_INPUT = "This message could not be answered."


class AnswerGuardrail(Construct):
    """A guardrail and a numbered version of it, for ConverseStream's guardrailConfig."""

    def __init__(self, scope: Construct, construct_id: str, *, name: str) -> None:
        super().__init__(scope, construct_id)
        filters = [
            bedrock.CfnGuardrail.ContentFilterConfigProperty(
                type=kind,
                input_strength="NONE",
                output_strength=ANSWER_FILTER_STRENGTH,
                input_enabled=False,
                output_enabled=True,
                output_action="BLOCK",
            )
            for kind in ANSWER_FILTERS
        ]
        self.guardrail = bedrock.CfnGuardrail(
            self,
            "Guardrail",
            name=name,
            description="Motivator: content filters on the model's answers only (never on a person's message)",
            blocked_input_messaging=BLOCKED_INPUT,
            blocked_outputs_messaging=BLOCKED_ANSWER,
            content_policy_config=bedrock.CfnGuardrail.ContentPolicyConfigProperty(filters_config=filters),
        )
        # A version is a frozen copy: naming it by the settings publishes a new one whenever they change.
        settings = json.dumps([ANSWER_FILTERS, ANSWER_FILTER_STRENGTH, BLOCKED_ANSWER, BLOCKED_INPUT])
        self.version = bedrock.CfnGuardrailVersion(
            self,
            "Version",
            guardrail_identifier=self.guardrail.attr_guardrail_id,
            description=f"settings {hashlib.sha256(settings.encode()).hexdigest()[:12]}",
        )
        self.guardrail_id = self.guardrail.attr_guardrail_id
        self.guardrail_arn = self.guardrail.attr_guardrail_arn
        self.version_number = self.version.attr_version
