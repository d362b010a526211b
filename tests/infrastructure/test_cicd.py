"""CI/CD stack: GitHub OIDC and one deploy role per environment of one repository."""

from __future__ import annotations

from typing import Any

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
    deploy = {f"motivator-github-deploy-{env}" for env in ("dev", "staging", "prod")}
    assert set(roles) == deploy | {"motivator-github-build", "motivator-github-diff"}
    for name, role in roles.items():
        if name not in deploy:
            continue
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
    # and the roles may only assume the CDK bootstrap roles (the diff role: the read-only lookup role) or push the
    # web image (the build role)
    for _, statement in statements_of(template):
        actions = as_list(statement["Action"])
        resources = [render(r) for r in as_list(statement["Resource"])]
        if actions == ["sts:AssumeRole"]:
            assert resources in (
                ["arn:aws:iam::<AWS::AccountId>:role/cdk-hnb659fds-*"],
                ["arn:aws:iam::<AWS::AccountId>:role/cdk-hnb659fds-lookup-role-*"],
            )
        elif actions == ["ecr:GetAuthorizationToken"]:
            assert resources == ["*"]
        else:
            assert all(a.startswith("ecr:") for a in actions)
            assert len(resources) == 1 and "WebImages" in resources[0]


def test_only_main_builds_images_and_pull_requests_only_read(synth: Synth) -> None:
    """Given the CI/CD stack
    Then the image repository's tags are immutable, only runs on main can assume the role that pushes images, and
    pull requests get a role that can assume nothing but the bootstrap lookup role; deploy roles push nothing."""
    template = synth.json(CICD_STACK_NAME)
    (repository,) = resources_of(template, "AWS::ECR::Repository").values()
    assert repository["Properties"]["ImageTagMutability"] == "IMMUTABLE"
    repo = synth.context["githubRepository"]
    roles = {
        r["Properties"]["RoleName"]: (k, r["Properties"]) for k, r in resources_of(template, "AWS::IAM::Role").items()
    }
    subjects = {
        name: props["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]["StringEquals"][
            "token.actions.githubusercontent.com:sub"
        ]
        for name, (_, props) in roles.items()
    }
    assert subjects["motivator-github-build"] == f"repo:{repo}:ref:refs/heads/main"
    assert subjects["motivator-github-diff"] == f"repo:{repo}:pull_request"
    pushers = {
        role["Ref"]
        for policy in resources_of(template, "AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if "ecr:PutImage" in as_list(statement["Action"])
        for role in policy["Properties"]["Roles"]
    }
    assert pushers == {roles["motivator-github-build"][0]}


def _workflow(name: str) -> dict[Any, Any]:
    import yaml

    from cdk.config import ROOT

    loaded: dict[Any, Any] = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    return loaded


def _runs(job: dict[str, Any]) -> list[str]:
    return [str(step.get("run", "")) for step in job.get("steps", [])]


def test_ci_passes_the_alarm_address_wherever_staging_or_prod_is_synthesized() -> None:
    # Given the workflows' commands (staging and prod refuse to synthesize without an alarm address)
    workflows = [_workflow("deploy.yml"), _workflow("rollback.yml")]
    runs = [run for workflow in workflows for job in workflow["jobs"].values() for run in _runs(job)]
    needing = [
        r
        for r in runs
        if ("synth" in r and "envs=all" in r)
        or ("deploy" in r and ("staging" in r or "prod" in r or "TARGET_ENV" in r) and "npx" in r)
        or ("diff" in r and "npx" in r)
    ]
    # Then each synth of every environment, each staging/prod deploy and the diff pass it from ALARM_EMAIL
    assert len(needing) >= 6
    assert all("-c alarmEmail=${{ vars.ALARM_EMAIL }}" in r for r in needing), needing
    # and Cognito's SES sender from the EMAIL_FROM variable (they refuse to synthesize without one too)
    assert all("-c emailFrom=${{ vars.EMAIL_FROM }}" in r for r in needing), needing


def test_the_image_is_built_once_scanned_pushed_immutably_and_promoted_by_digest() -> None:
    """Given the deploy workflow
    Then exactly one step builds the web image, in the image job, without pushing; Trivy scans it next and fails the
    run on fixable critical or high findings; only then is it pushed under the commit's tag and its digest kept
    And dev, staging and prod deploy that digest in turn, none of them building an image of its own."""
    jobs = _workflow("deploy.yml")["jobs"]
    builds = [(name, step) for name, job in jobs.items() for step in job.get("steps", [])
              if str(step.get("uses", "")).startswith("docker/build-push-action")]  # fmt: skip
    assert [name for name, _ in builds] == ["image"]
    build = builds[0][1]["with"]
    assert build["push"] is False and build["load"] is True and build["tags"].endswith(":${{ github.sha }}")
    steps = jobs["image"]["steps"]
    uses = [str(step.get("uses", "")) for step in steps]
    scan_at = next(i for i, u in enumerate(uses) if u.startswith("aquasecurity/trivy-action@"))
    push_at = next(i for i, step in enumerate(steps) if step.get("id") == "push")
    assert uses.index(next(u for u in uses if u.startswith("docker/build-push-action"))) < scan_at < push_at
    scan = steps[scan_at]["with"]
    assert scan["exit-code"] == "1" and set(scan["severity"].split(",")) == {"CRITICAL", "HIGH"}
    assert "docker push" in steps[push_at]["run"] and "digest=" in steps[push_at]["run"]
    assert jobs["image"]["outputs"]["digest"] == "${{ steps.push.outputs.digest }}"
    assert jobs["image"]["if"] == "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    previous = None
    for env in ("dev", "staging", "prod"):
        job = jobs[f"deploy-{env}"]
        assert job["environment"] == env
        assert set(job["needs"]) == {"image"} | ({previous} if previous else set())
        (deploy,) = [r for r in _runs(job) if "npx" in r and " deploy " in r]
        assert f'"Motivator-{env}-*"' in deploy and "-c webImageTag=${{ needs.image.outputs.digest }}" in deploy
        previous = f"deploy-{env}"


def test_every_deploy_and_rollback_is_followed_by_the_smoke_test() -> None:
    """Given the deploy and rollback workflows
    Then after every `cdk deploy` comes `python -m devtools.smoke` on that deploy's outputs, with the environment's
    test user from its secrets."""
    jobs = [*_workflow("deploy.yml")["jobs"].values(), *_workflow("rollback.yml")["jobs"].values()]
    deploying = [job for job in jobs if any("npx" in r and " deploy " in r for r in _runs(job))]
    assert len(deploying) == 4
    for job in deploying:
        steps = job["steps"]
        for at, step in enumerate(steps):
            if "npx" in str(step.get("run", "")) and " deploy " in str(step.get("run", "")):
                smoke = steps[at + 1]
                assert "python -m devtools.smoke --outputs cdk-outputs" in smoke["run"], smoke
                assert smoke["env"] == {
                    "SMOKE_USERNAME": "${{ secrets.SMOKE_USERNAME }}",
                    "SMOKE_PASSWORD": "${{ secrets.SMOKE_PASSWORD }}",
                }


def test_pull_requests_get_the_cdk_diff_as_a_comment() -> None:
    """Given the deploy workflow
    Then a job for pull requests of this repository runs `cdk diff` with the read-only diff role and comments it."""
    job = _workflow("deploy.yml")["jobs"]["diff"]
    assert "github.event_name == 'pull_request'" in job["if"]
    assert job["permissions"]["pull-requests"] == "write" and job["permissions"]["id-token"] == "write"
    credentials = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("aws-actions/configure-aws"))
    assert credentials["with"]["role-to-assume"] == "${{ vars.AWS_DIFF_ROLE_ARN }}"
    runs = "\n".join(_runs(job))
    assert " diff " in runs and "gh pr comment" in runs


def test_rollback_returns_to_an_earlier_release_and_is_drilled_in_staging() -> None:
    """Given the rollback workflow
    Then it can be run by hand for an environment and commit, runs monthly against staging as a drill, deploys
    the earlier commit with that commit's own (immutable) image tag, and in the drill rolls forward again."""
    workflow = _workflow("rollback.yml")
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers["workflow_dispatch"]["inputs"]) == {"environment", "commit", "drill"}
    assert triggers["schedule"] and workflow["env"]["TARGET_ENV"] == "${{ inputs.environment || 'staging' }}"
    runs = _runs(workflow["jobs"]["rollback"])
    deploys = [r for r in runs if "npx" in r and " deploy " in r]
    assert len(deploys) == 2
    assert '-c webImageTag="$BACK"' in deploys[0] and '-c webImageTag="$FORWARD"' in deploys[1]


def test_every_action_is_pinned_to_a_release() -> None:
    """Given every step of both workflows
    Then each action it uses names a version (never a branch)."""
    for name in ("deploy.yml", "rollback.yml"):
        for job in _workflow(name)["jobs"].values():
            for step in job["steps"]:
                if "uses" in step:
                    ref = step["uses"].rsplit("@", 1)[1]
                    assert ref[:1].isdigit() or ref.startswith("v"), step["uses"]


def test_a_digest_from_the_image_job_pins_the_web_task_to_that_image() -> None:
    """Given -c webImageTag=sha256:… (what the deploy jobs pass)
    When the Web stack's container image is made from it
    Then the task definition names the image by digest (repository@sha256:…), not by a tag that could move."""
    from aws_cdk import App, Stack
    from aws_cdk import aws_ecs as ecs

    from cdk.config import default_context, load_app_config
    from cdk.stacks.web import web_image

    digest = "sha256:" + "ab" * 32
    config = load_app_config({**default_context(), "webImageTag": digest})
    app = App()
    stack = Stack(app, "DigestProbe")
    task = ecs.FargateTaskDefinition(stack, "Task")
    task.add_container("Web", image=web_image(stack, config.web_image))
    template = app.synth().get_stack_by_name("DigestProbe").template
    (definition,) = resources_of(template, "AWS::ECS::TaskDefinition").values()
    assert render(definition["Properties"]["ContainerDefinitions"][0]["Image"]).endswith(f"/motivator-web@{digest}")
