"""Web stack: the Reflex state in ElastiCache Serverless, its secrets, and deployments that replace tasks safely."""

from __future__ import annotations

import pytest

from cdk.constants import WEB_CACHE, WEB_STACK

from .conftest import ENVIRONMENTS, Synth, as_list, render, resources_of, statements_of


def _container(template: dict) -> dict:
    (task,) = resources_of(template, "AWS::ECS::TaskDefinition").values()
    (container,) = task["Properties"]["ContainerDefinitions"]
    return container


def _secret_id(template: dict, description_part: str) -> str:
    (found,) = (
        logical_id
        for logical_id, secret in resources_of(template, "AWS::SecretsManager::Secret").items()
        if description_part in secret["Properties"].get("Description", "")
    )
    return found


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_state_cache_is_serverless_valkey_in_the_private_subnets_reachable_only_from_the_web_tasks(
    synth: Synth, env: str
) -> None:
    # Given the web stack
    template = synth.stack(env, WEB_STACK)
    resources = template["Resources"]
    (cache,) = resources_of(template, "AWS::ElastiCache::ServerlessCache").values()
    props = cache["Properties"]
    # Then one Valkey serverless cache sits in the VPC's private subnets (never the public ones)
    assert (props["Engine"], props["MajorEngineVersion"]) == ("valkey", WEB_CACHE.major_engine_version)
    subnet_ids = {ref["Ref"] for ref in props["SubnetIds"]}
    assert len(subnet_ids) == 2
    for subnet_id in subnet_ids:
        tags = {t["Key"]: t["Value"] for t in resources[subnet_id]["Properties"]["Tags"]}
        assert tags["aws-cdk:subnet-name"] == "private"
        assert resources[subnet_id]["Properties"]["MapPublicIpOnLaunch"] is False
    # and its one security group admits the cache ports from the web tasks' security group and nothing else
    ((group_id, _),) = (ref["Fn::GetAtt"] for ref in props["SecurityGroupIds"])
    group = resources[group_id]["Properties"]
    assert "SecurityGroupIngress" not in group
    ingress = [
        r["Properties"]
        for r in resources_of(template, "AWS::EC2::SecurityGroupIngress").values()
        if r["Properties"]["GroupId"] == {"Fn::GetAtt": [group_id, "GroupId"]}
    ]
    (rule,) = ingress
    (service,) = resources_of(template, "AWS::ECS::Service").values()
    (task_group,) = service["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]["SecurityGroups"]
    assert rule["SourceSecurityGroupId"] == task_group
    assert (rule["FromPort"], rule["ToPort"]) == (WEB_CACHE.port, WEB_CACHE.port + 1)
    assert group["SecurityGroupEgress"][0]["CidrIp"] == "255.255.255.255/32"  # CDK's "no egress" marker
    # and it is bounded, so a runaway cannot run up the bill
    limits = props["CacheUsageLimits"]
    assert limits["DataStorage"] == {"Maximum": WEB_CACHE.max_storage_gb, "Unit": "GB"}
    assert limits["ECPUPerSecond"] == {"Maximum": WEB_CACHE.max_ecpu_per_s}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_cache_clients_authenticate_with_a_generated_password_that_no_template_contains(synth: Synth, env: str) -> None:
    # Given the cache's user group, its users and the password secret
    template = synth.stack(env, WEB_STACK)
    resources = template["Resources"]
    (cache,) = resources_of(template, "AWS::ElastiCache::ServerlessCache").values()
    (group,) = resources_of(template, "AWS::ElastiCache::UserGroup").values()
    users = {
        u["Properties"]["UserName"]: u["Properties"] for u in resources_of(template, "AWS::ElastiCache::User").values()
    }
    password_id = _secret_id(template, "user's password")
    generator = resources[password_id]["Properties"]["GenerateSecretString"]
    # Then the cache requires a user of its group; the web user is the only one that can do anything
    assert render(cache["Properties"]["UserGroupId"]) == render(group["Properties"]["UserGroupId"])
    assert set(users) == {"default", WEB_CACHE.user_name}
    assert users["default"]["AccessString"].startswith("off")
    assert users[WEB_CACHE.user_name]["AccessString"].startswith("on ")
    # and both authenticate by a password Secrets Manager generated (URL-safe), referenced, never written out
    assert generator["GenerateStringKey"] == "password" and generator["ExcludePunctuation"] is True
    for user in users.values():
        assert user["AuthenticationMode"]["Type"] == "password"
        (password,) = user["AuthenticationMode"]["Passwords"]
        assert render(password) == f"{{{{resolve:secretsmanager:<{password_id}>:SecretString:password::}}}}"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_redis_url_reaches_the_container_as_an_ecs_secret_over_tls(synth: Synth, env: str) -> None:
    # Given the URL secret and the web container
    template = synth.stack(env, WEB_STACK)
    resources = template["Resources"]
    (cache_id,) = resources_of(template, "AWS::ElastiCache::ServerlessCache")
    url_id = _secret_id(template, "REFLEX_REDIS_URL")
    password_id = _secret_id(template, "user's password")
    container = _container(template)
    # Then the URL is rediss:// (TLS) with the web user, the password by reference, and the cache's endpoint
    url = render(resources[url_id]["Properties"]["SecretString"])
    assert url == (
        f"rediss://{WEB_CACHE.user_name}:{{{{resolve:secretsmanager:<{password_id}>:SecretString:password::}}}}"
        f"@<{cache_id}.Endpoint.Address>:<{cache_id}.Endpoint.Port>"
    )
    # and ECS hands it to Reflex as REFLEX_REDIS_URL from Secrets Manager, never as a plain variable
    secrets = {s["Name"]: s["ValueFrom"] for s in container["Secrets"]}
    assert secrets["REFLEX_REDIS_URL"] == {"Ref": url_id}
    assert "REFLEX_REDIS_URL" not in {e["Name"] for e in container["Environment"]}
    assert not any("rediss://" in render(e["Value"]) for e in container["Environment"])
    # and the task's execution role may read exactly the URL and the app client secret
    (task,) = resources_of(template, "AWS::ECS::TaskDefinition").values()
    role = task["Properties"]["ExecutionRoleArn"]["Fn::GetAtt"][0]
    policies = {
        logical_id
        for logical_id, policy in resources_of(template, "AWS::IAM::Policy").items()
        if {"Ref": role} in policy["Properties"]["Roles"]
    }
    readable = [
        render(resource)
        for logical_id, statement in statements_of(template)
        if logical_id in policies and "secretsmanager:GetSecretValue" in as_list(statement["Action"])
        for resource in as_list(statement["Resource"])
    ]
    assert f"<{url_id}>" in readable
    assert len(readable) == 2 and any("Motivator-" in arn and "-Auth:" in arn for arn in readable)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_a_rolling_deployment_starts_new_tasks_first_and_drains_old_ones_for_the_longest_answer(
    synth: Synth, env: str
) -> None:
    # Given the service, its target group and its container
    template = synth.stack(env, WEB_STACK)
    (service,) = resources_of(template, "AWS::ECS::Service").values()
    (group,) = resources_of(template, "AWS::ElasticLoadBalancingV2::TargetGroup").values()
    deployment = service["Properties"]["DeploymentConfiguration"]
    attributes = {a["Key"]: a["Value"] for a in group["Properties"]["TargetGroupAttributes"]}
    # Then no task stops before its replacement is healthy, new tasks get a grace period to start Reflex,
    assert (deployment["MinimumHealthyPercent"], deployment["MaximumPercent"]) == (100, 200)
    assert service["Properties"]["HealthCheckGracePeriodSeconds"] == 60
    # a leaving task keeps its sockets as long as an answer can stream (sendMessage's timeout), then has 120 s
    assert attributes["deregistration_delay.timeout_seconds"] == "120"
    assert _container(template)["StopTimeout"] == 120
    # and nothing pins a browser to a task any more: the state is shared
    assert attributes.get("stickiness.enabled", "false") == "false"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_client_address_is_the_one_cloudfront_saw(synth: Synth, env: str) -> None:
    # Given the ALB and the web container
    template = synth.stack(env, WEB_STACK)
    (alb,) = resources_of(template, "AWS::ElasticLoadBalancingV2::LoadBalancer").values()
    attributes = {a["Key"]: a["Value"] for a in alb["Properties"]["LoadBalancerAttributes"]}
    environment = {e["Name"]: e["Value"] for e in _container(template)["Environment"]}
    # Then the ALB appends CloudFront's address after the viewer's (which CloudFront appended), and Reflex takes
    # the client from two hops from the right of X-Forwarded-For: what a browser writes there itself is ignored
    assert attributes["routing.http.xff_header_processing.mode"] == "append"
    assert environment["REFLEX_TRUSTED_PROXY_HOPS"] == "2"
