"""cdk-nag (v3) acknowledgements with their reasons, written next to the resource they concern."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from aws_cdk import Acknowledgment, Stack, Validations
from constructs import IConstruct


def suppress(construct: IConstruct, rule: str, reason: str, applies_to: Sequence[str] | None = None) -> None:
    """Acknowledge one AwsSolutions rule on a construct; `applies_to` names the exact findings
    (cdk-nag v3 has no prefix matching, e.g. `AwsSolutions-IAM5[Resource::*]`)."""
    ids = [f"{rule}[{finding}]" for finding in applies_to] if applies_to else [rule]
    Validations.of(construct).acknowledge(*(Acknowledgment(id=rule_id, reason=reason) for rule_id in ids))


def render(node: Any) -> str:
    """A CloudFormation value as one string, spelled as cdk-nag spells finding resources: Refs <LogicalId>,
    GetAtts <LogicalId.Attr>, Joins joined; imports <import Name>; anything else as sorted JSON."""
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        if "Ref" in node:
            return f"<{node['Ref']}>"
        if "Fn::GetAtt" in node:
            return f"<{node['Fn::GetAtt'][0]}.{node['Fn::GetAtt'][1]}>"
        if "Fn::Join" in node:
            separator, parts = node["Fn::Join"]
            return str(separator).join(render(part) for part in parts)
        if "Fn::ImportValue" in node:
            return f"<import {render(node['Fn::ImportValue'])}>"
    return json.dumps(node, sort_keys=True)


def finding_resource(stack: Stack, value: str) -> str:
    """The `Resource::…` finding cdk-nag reports for an ARN built in `stack` (Refs as <LogicalId>)."""
    return f"Resource::{render(stack.resolve(value))}"
