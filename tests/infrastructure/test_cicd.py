"""CI/CD stack: GitHub OIDC and one deploy role per environment of one repository."""

from __future__ import annotations

from cdk.constants import CICD_STACK_NAME

from .conftest import Synth, as_list, render, resources_of, statements_of


def test_github_oidc_provider(synth: Synth) -> None:
    # Given the CI/CD stack
    (provider,) = resources_of(synth.json(CICD_STACK_NAME), "AWS::IAM::OIDCProvider").values()
    # Then it trusts GitHub's token issuer for STS
    assert provider["Properties"]["Url"] == "https://token.actions.githubusercontent.com"
    assert provider["Properties"]["ClientIdList"] == ["sts.amazonaws.com"]


def test_deploy_roles_are_scoped_to_one_repository_environment(synth: Synth) -> None:
    # Given the deploy roles
    template = synth.json(CICD_STACK_NAME)
    repository = synth.context["githubRepository"]
    roles = {r["Properties"]["RoleName"]: r["Properties"] for r in resources_of(template, "AWS::IAM::Role").values()}
    assert set(roles) == {f"motivator-github-deploy-{env}" for env in ("dev", "staging", "prod")}
    for name, role in roles.items():
        env = name.rsplit("-", 1)[1]
        (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
        # Then only that repository's GitHub environment, with the STS audience, can assume it
        assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
        assert statement["Condition"] == {
            "StringEquals": {
                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                "token.actions.githubusercontent.com:sub": f"repo:{repository}:environment:{env}",
            }
        }
    # and the roles may only assume the CDK bootstrap roles and push the web image
    for _, statement in statements_of(template):
        actions = as_list(statement["Action"])
        resources = [render(r) for r in as_list(statement["Resource"])]
        if actions == ["sts:AssumeRole"]:
            assert resources == ["arn:aws:iam::<AWS::AccountId>:role/cdk-hnb659fds-*"]
        elif actions == ["ecr:GetAuthorizationToken"]:
            assert resources == ["*"]
        else:
            assert all(a.startswith("ecr:") for a in actions)
            assert len(resources) == 1 and "WebImages" in resources[0]


def test_ci_passes_the_alarm_address_wherever_staging_or_prod_is_synthesized() -> None:
    # Given the workflow's commands (staging and prod refuse to synthesize without an alarm address)
    import yaml

    from cdk.config import ROOT

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    runs = [step.get("run", "") for job in workflow["jobs"].values() for step in job.get("steps", [])]
    needing = [
        r for r in runs if ("synth" in r and "envs=all" in r) or ("deploy" in r and ("staging" in r or "prod" in r))
    ]
    # Then each synth of every environment and each staging/prod deploy passes it from the ALARM_EMAIL variable
    assert len(needing) >= 3
    assert all("-c alarmEmail=${{ vars.ALARM_EMAIL }}" in r for r in needing), needing
    # and Cognito's SES sender from the EMAIL_FROM variable (they refuse to synthesize without one too)
    assert all("-c emailFrom=${{ vars.EMAIL_FROM }}" in r for r in needing), needing
