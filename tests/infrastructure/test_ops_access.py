"""Issue 19: the user pool declares the operators group that the web client's /ops page requires."""

from __future__ import annotations

import pytest

from cdk.constants import AUTH_STACK
from shared.dashboard import OPERATORS_GROUP

from .conftest import ENVIRONMENTS, Synth, resources_of


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_pool_has_the_operators_group(synth: Synth, env: str) -> None:
    """Given the auth stack's template, Then its one user pool has one group, named as the /ops page checks it."""
    template = synth.stack(env, AUTH_STACK)
    (pool_id,) = resources_of(template, "AWS::Cognito::UserPool")
    (group,) = (g["Properties"] for g in resources_of(template, "AWS::Cognito::UserPoolGroup").values())
    assert group["GroupName"] == OPERATORS_GROUP
    assert group["UserPoolId"] == {"Ref": pool_id}
