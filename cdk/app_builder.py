"""Composes the stacks of every selected environment into one CDK app, with cdk-nag checking them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from aws_cdk import App, Environment, Stack, Tags, Validations
from aws_cdk import aws_wafv2 as wafv2
from cdk_nag import AwsSolutionsChecks

from cdk.components.monitoring import web_targets
from cdk.components.tables import table_name
from cdk.config import ROOT, AppConfig, EnvironmentConfig, load_app_config
from cdk.constants import (
    ACCOUNT_STACK,
    APP_NAME,
    AUTH_STACK,
    CHAT_API_STACK,
    CICD_STACK_NAME,
    DATA_STACK,
    EDGE_OBSERVABILITY_STACK,
    EDGE_REGION,
    EDGE_STACK,
    OBSERVABILITY_STACK,
    WEB_STACK,
)
from cdk.lambda_asset import LambdaAsset, build_lambda_asset
from cdk.stacks.account import AccountStack
from cdk.stacks.auth import AuthStack
from cdk.stacks.chat_api import ChatApiStack
from cdk.stacks.cicd import CicdStack
from cdk.stacks.data import DataStack
from cdk.stacks.edge import EdgeStack
from cdk.stacks.observability import EdgeObservabilityStack, ObservabilityStack
from cdk.stacks.web import WebStack
from cdk.web_client import web_client_environment


@dataclass
class EnvironmentStacks:
    data: DataStack
    auth: AuthStack
    chat_api: ChatApiStack
    edge: EdgeStack
    web: WebStack
    observability: ObservabilityStack
    edge_observability: EdgeObservabilityStack

    def all(self) -> list[Stack]:
        return [self.data, self.auth, self.chat_api, self.edge, self.web, self.observability,
                self.edge_observability]  # fmt: skip


@dataclass
class MotivatorApp:
    app: App
    lambda_asset: LambdaAsset
    environments: dict[str, EnvironmentStacks] = field(default_factory=dict)
    #: (account named in cdk.json or None for the CLI's, region) -> the account-wide settings stack there.
    accounts: dict[tuple[str | None, str], AccountStack] = field(default_factory=dict)
    cicd: CicdStack | None = None

    def stacks(self) -> list[Stack]:
        stacks = [stack for env in self.environments.values() for stack in env.all()]
        return [*self.accounts.values(), *stacks] + ([self.cicd] if self.cicd else [])

    def account_stack(self, named_account: str | None, region: str, default_account: str | None) -> AccountStack:
        """The one AccountStack of an account and region, created by the first environment that needs it:
        `Motivator-Account-<region>`, with the account in the name only when cdk.json names one."""
        key = (named_account, region)
        if key not in self.accounts:
            name = "-".join([APP_NAME, ACCOUNT_STACK, *([named_account] if named_account else []), region])
            self.accounts[key] = AccountStack(
                self.app, name, env=Environment(account=named_account or default_account, region=region),
                description=f"Motivator: API Gateway account settings of {region} (before any environment)",
            )  # fmt: skip
            Tags.of(self.accounts[key]).add("app", APP_NAME.lower())
        return self.accounts[key]


def stack_name(env: str, part: str) -> str:
    return f"{APP_NAME}-{env}-{part}"


def _environment(result: MotivatorApp, config: AppConfig, env_config: EnvironmentConfig,
                 default_account: str | None) -> EnvironmentStacks:  # fmt: skip
    """The six stacks of one environment, wired to each other and to its region's account-settings stack."""
    app, name = result.app, env_config.name
    account = env_config.account or default_account
    here = Environment(account=account, region=env_config.region)

    data = DataStack(app, stack_name(name, DATA_STACK), config=env_config, env=here,
                     description=f"Motivator {name}: DynamoDB tables")  # fmt: skip
    auth = AuthStack(app, stack_name(name, AUTH_STACK), config=env_config, env=here,
                     description=f"Motivator {name}: Cognito user pool")  # fmt: skip
    chat_api = ChatApiStack(
        app,
        stack_name(name, CHAT_API_STACK),
        config=env_config,
        tables=data.tables,
        user_pool=auth.pool.user_pool,
        user_pool_client=auth.pool.client,
        lambda_asset=result.lambda_asset,
        env=here,
        description=f"Motivator {name}: WebSocket API and handlers",
    )
    chat_api.add_stack_dependency(data, "tables are referenced by name")
    account_settings = result.account_stack(env_config.account, env_config.region, default_account)
    chat_api.add_stack_dependency(account_settings, "the stage's access logs need API Gateway's log role")
    edge = EdgeStack(
        app,
        stack_name(name, EDGE_STACK),
        config=env_config,
        env=Environment(account=account, region=EDGE_REGION),
        cross_region_references=True,
        description=f"Motivator {name}: CloudFront WAF and certificate (us-east-1)",
    )
    web = WebStack(
        app,
        stack_name(name, WEB_STACK),
        config=env_config,
        image=config.web_image,
        web_acl_arn=edge.web_acl.attr_arn,
        certificate=edge.certificate,
        client_environment=web_client_environment(
            ws_url=chat_api.websocket_url,
            http_api_url=chat_api.rest.url,
            client_id=auth.pool.client.user_pool_client_id,
            region=env_config.region,
            user_pool_id=auth.pool.user_pool.user_pool_id,
        ),
        client_secret=auth.pool.client_secret,
        env=here,
        cross_region_references=True,
        description=f"Motivator {name}: Reflex web client on ECS Fargate behind CloudFront",
    )
    observability = ObservabilityStack(
        app,
        stack_name(name, OBSERVABILITY_STACK),
        config=env_config,
        functions={fn_name: handler.function for fn_name, handler in chat_api.functions.items()},
        api_id=chat_api.chat.api.api_id,
        stage=name,
        table_names=[table_name(data.tables.name_prefix, d) for d in data.tables.definitions.values()],
        web=web_targets(web.web.load_balancer, web.web.service),
        env=here,
        description=f"Motivator {name}: dashboard and alarms",
    )
    visibility = edge.web_acl.visibility_config
    assert isinstance(visibility, wafv2.CfnWebACL.VisibilityConfigProperty)
    edge_observability = EdgeObservabilityStack(
        app,
        stack_name(name, EDGE_OBSERVABILITY_STACK),
        config=env_config,
        web_acl_metric_name=visibility.metric_name,
        env=Environment(account=account, region=EDGE_REGION),
        description=f"Motivator {name}: the WAF alarm and its topic (us-east-1)",
    )
    stacks = EnvironmentStacks(data, auth, chat_api, edge, web, observability, edge_observability)
    for stack in stacks.all():
        Tags.of(stack).add("app", APP_NAME.lower())
        Tags.of(stack).add("environment", name)
    return stacks


def build(app: App) -> MotivatorApp:
    context = app.node.get_all_context()
    config = load_app_config(context)
    selection = str(context.get("envs") or context.get("env") or "dev")
    default_account = os.environ.get("CDK_DEFAULT_ACCOUNT")

    result = MotivatorApp(app=app, lambda_asset=build_lambda_asset(ROOT))
    for env_config in config.selected(selection):
        result.environments[env_config.name] = _environment(result, config, env_config, default_account)

    result.cicd = CicdStack(
        app,
        CICD_STACK_NAME,
        repository=config.github_repository,
        environments=list(config.environments),
        image=config.web_image,
        env=Environment(account=config.cicd_account or default_account, region=config.cicd_region),
        description="Motivator: GitHub OIDC deploy roles and the web image repository",
    )
    Tags.of(result.cicd).add("app", APP_NAME.lower())

    # Acknowledgements are also written into each resource's Metadata (cdk_nag.rules_to_suppress) for audit.
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True, write_suppressions_to_cloud_formation=True))
    return result
