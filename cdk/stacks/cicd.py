"""CI/CD stack (once per account): GitHub's OIDC provider, the web image repository and one deploy
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
            lifecycle_rules=[ecr.LifecycleRule(max_image_count=30)],
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.roles: dict[str, iam.Role] = {}
        for env in environments:
            role = iam.Role(
                self,
                f"Deploy{env.capitalize()}",
                role_name=f"motivator-github-deploy-{env}",
                description=f"GitHub Actions deploys of {repository}, environment {env} only",
                max_session_duration=Duration.hours(1),
                assumed_by=iam.WebIdentityPrincipal(
                    provider.attr_arn,
                    conditions={
                        "StringEquals": {
                            f"{_ISSUER}:aud": GITHUB_OIDC_AUDIENCE,
                            f"{_ISSUER}:sub": f"repo:{repository}:environment:{env}",
                        }
                    },
                ),
            )
            # Deploys run through the CDK bootstrap roles (deploy, file/image publishing, lookup).
            bootstrap_roles = f"arn:{self.partition}:iam::{self.account}:role/cdk-{CDK_BOOTSTRAP_QUALIFIER}-*"
            role.add_to_policy(
                iam.PolicyStatement(
                    sid="AssumeCdkBootstrapRoles", actions=["sts:AssumeRole"], resources=[bootstrap_roles]
                )
            )
            role.add_to_policy(
                iam.PolicyStatement(
                    sid="PushWebImage", actions=_ECR_PUSH, resources=[self.image_repository.repository_arn]
                )
            )
            role.add_to_policy(
                iam.PolicyStatement(sid="EcrLogin", actions=["ecr:GetAuthorizationToken"], resources=["*"])
            )
            suppress(
                role,
                "AwsSolutions-IAM5",
                "cdk deploy assumes the bootstrap roles cdk-<qualifier>-{deploy,file-publishing,image-publishing,"
                "lookup}-role-<account>-<region>; the pattern names only those.",
                applies_to=[finding_resource(self, bootstrap_roles)],
            )
            suppress(
                role,
                "AwsSolutions-IAM5",
                "ecr:GetAuthorizationToken has no resource-level permissions (docker login).",
                applies_to=["Resource::*"],
            )
            self.roles[env] = role
            CfnOutput(self, f"DeployRoleArn{env.capitalize()}", value=role.role_arn)
        CfnOutput(self, "WebImageRepositoryUri", value=self.image_repository.repository_uri)
