"""Which ARNs Bedrock authorizes a model call on, as the local endpoint checks them against the caller's policy."""

from __future__ import annotations

from shared.model_client import foundation_model_id


def model_resources(model_id: str, region: str, caller_arn: str) -> list[str]:
    """The ARNs Bedrock authorizes a call on: the foundation model, or a cross-region inference profile (in the
    caller's account) and the foundation model it routes to (here, in this region)."""
    if model_id.startswith("arn:"):
        return [model_id]
    base = foundation_model_id(model_id)
    if base is None:
        return [f"arn:aws:bedrock:{region}::foundation-model/{model_id}"]
    account = caller_arn.split(":")[4]
    return [
        f"arn:aws:bedrock:{region}:{account}:inference-profile/{model_id}",
        f"arn:aws:bedrock:{region}::foundation-model/{base}",
    ]
