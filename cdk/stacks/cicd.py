"""CI/CD stack (once per account): GitHub's OIDC provider, the web image repository (immutable tags), the role
that builds and pushes the image (main only), the read-only role `cdk diff` uses on pull requests, and one deploy
role per environment, assumable only from that GitHub environment of one repository."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk.config import ImageConfig
from cdk.constants import CDK_BOOTSTRAP_QUALIFIER, GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_URL
from cdk.nag import finding_resource, suppress

_ISSUER = GITHUB_OIDC_URL.removeprefix("https://")
_ECR_PUSH = [
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:CompleteLayerUpload",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
]


class CicdStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        repository: str,
        environments: Sequence[str],
        image: ImageConfig,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        # The L1 resource: the L2 OpenIdConnectProvider needs a custom-resource Lambda.
        provider = iam.CfnOIDCProvider(self, "GitHubOidc", url=GITHUB_OIDC_URL, client_id_list=[GITHUB_OIDC_AUDIENCE])
        self.image_repository = ecr.Repository(
            self,
            "WebImages",
            repository_name=image.repository,
            image_scan_on_push=True,
            # A tag (the commit) names one image forever: what was tested in staging is what prod runs.
            image_tag_mutability=ecr.TagMutability.IMMUTABLE,
            lifecycle_rules=[ecr.LifecycleRule(max_image_count=30)],
            removal_policy=RemovalPolicy.RETAIN,
        )
        self._provider_arn = provider.attr_arn
        self.roles: dict[str, iam.Role] = {}
        for env in environments:
            role = self._github_role(
                f"Deploy{env.capitalize()}",
                f"motivator-github-deploy-{env}",
                f"repo:{repository}:environment:{env}",
                f"GitHub Actions deploys of {repository}, environment {env} only",
            )
            # Deploys run through the CDK bootstrap roles (deploy, file/image publishing, lookup).
            self._assume_bootstrap(
                role,
                "*",
                "cdk deploy assumes the bootstrap roles cdk-<qualifier>-{deploy,"
                "file-publishing,image-publishing,lookup}-role-<account>-<region>",
            )
            self.roles[env] = role
            CfnOutput(self, f"DeployRoleArn{env.capitalize()}", value=role.role_arn)
        # The image is built, scanned and pushed once, on main, and promoted by digest to every environment.
        self.build_role = self._github_role(
            "BuildImage",
            "motivator-github-build",
            f"repo:{repository}:ref:refs/heads/main",
            f"GitHub Actions image builds of {repository}, main branch only",
        )
        self.build_role.add_to_policy(
            iam.PolicyStatement(sid="PushWebImage", actions=_ECR_PUSH, resources=[self.image_repository.repository_arn])
        )
        self.build_role.add_to_policy(
            iam.PolicyStatement(sid="EcrLogin", actions=["ecr:GetAuthorizationToken"], resources=["*"])
        )
        suppress(
            self.build_role,
            "AwsSolutions-IAM5",
            "ecr:GetAuthorizationToken has no resource-level permissions (docker login).",
            applies_to=["Resource::*"],
        )
        # cdk diff on pull requests: only the bootstrap lookup role, which reads (ReadOnlyAccess) and changes nothing.
        self.diff_role = self._github_role(
            "DiffOnPullRequests",
            "motivator-github-diff",
            f"repo:{repository}:pull_request",
            f"cdk diff for pull requests of {repository} (read only)",
        )
        self._assume_bootstrap(
            self.diff_role,
            "lookup-role-*",
            "cdk diff reads the deployed templates through "
            "the bootstrap lookup role cdk-<qualifier>-lookup-role-<account>-<region> only",
        )
        CfnOutput(self, "BuildRoleArn", value=self.build_role.role_arn)
        CfnOutput(self, "DiffRoleArn", value=self.diff_role.role_arn)
        CfnOutput(self, "WebImageRepositoryUri", value=self.image_repository.repository_uri)

    def _github_role(self, construct_id: str, name: str, subject: str, description: str) -> iam.Role:
        """A role only GitHub Actions runs whose OIDC subject is exactly `subject` can assume, for an hour."""
        return iam.Role(
            self,
            construct_id,
            role_name=name,
            description=description,
            max_session_duration=Duration.hours(1),
            assumed_by=iam.WebIdentityPrincipal(
                self._provider_arn,
                conditions={"StringEquals": {f"{_ISSUER}:aud": GITHUB_OIDC_AUDIENCE, f"{_ISSUER}:sub": subject}},
            ),
        )

    def _assume_bootstrap(self, role: iam.Role, roles: str, reason: str) -> None:
        bootstrap_roles = f"arn:{self.partition}:iam::{self.account}:role/cdk-{CDK_BOOTSTRAP_QUALIFIER}-{roles}"
        role.add_to_policy(
            iam.PolicyStatement(sid="AssumeCdkBootstrapRoles", actions=["sts:AssumeRole"], resources=[bootstrap_roles])
        )
        suppress(
            role,
            "AwsSolutions-IAM5",
            f"{reason}; the pattern names only those.",
            applies_to=[finding_resource(self, bootstrap_roles)],
        )
