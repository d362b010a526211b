"""Web stack: the Reflex state in a node-based ElastiCache Valkey cache, its secrets, and deployments that replace
tasks safely."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError
from reflex.istate.manager.redis import NOTIFY_KEYSPACE_EVENTS

from cdk.config import WebConfig
from cdk.constants import CACHE_NODE_TYPES, REFLEX_NOTIFY_KEYSPACE_EVENTS, WEB_CACHE, WEB_STACK

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


def _cache(template: dict) -> tuple[str, dict]:
    ((logical_id, cache),) = resources_of(template, "AWS::ElastiCache::ReplicationGroup").items()
    return logical_id, cache["Properties"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_state_cache_is_one_node_based_valkey_shard_in_the_private_subnets_reachable_only_from_the_web_tasks(
    synth: Synth, env: str
) -> None:
    # Given the web stack
    template = synth.stack(env, WEB_STACK)
    resources = template["Resources"]
    _, props = _cache(template)
    # Then it is no serverless cache but a Valkey replication group with cluster mode disabled: one shard, which
    # Reflex's plain (non-cluster) Redis client can use
    assert not resources_of(template, "AWS::ElastiCache::ServerlessCache")
    assert (props["Engine"], props["EngineVersion"]) == ("valkey", WEB_CACHE.engine_version)
    assert props["EngineVersion"].split(".")[0] == WEB_CACHE.parameter_group_family.removeprefix("valkey")
    assert props["ClusterMode"] == "disabled" and props.get("NumNodeGroups", 1) == 1
    assert props["CacheNodeType"] == synth.config(env).web.cache_node_type
    # in a subnet group of the VPC's private subnets (never the public ones)
    (subnet_group,) = resources_of(template, "AWS::ElastiCache::SubnetGroup").values()
    assert props["CacheSubnetGroupName"] == {"Ref": next(iter(resources_of(template, "AWS::ElastiCache::SubnetGroup")))}
    subnet_ids = {ref["Ref"] for ref in subnet_group["Properties"]["SubnetIds"]}
    assert len(subnet_ids) == 2
    for subnet_id in subnet_ids:
        tags = {t["Key"]: t["Value"] for t in resources[subnet_id]["Properties"]["Tags"]}
        assert tags["aws-cdk:subnet-name"] == "private"
        assert resources[subnet_id]["Properties"]["MapPublicIpOnLaunch"] is False
    # and its one security group admits the cache port from the web tasks' security group and nothing else
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
    assert (rule["FromPort"], rule["ToPort"]) == (WEB_CACHE.port, WEB_CACHE.port) and props["Port"] == WEB_CACHE.port
    assert group["SecurityGroupEgress"][0]["CidrIp"] == "255.255.255.255/32"  # CDK's "no egress" marker


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_parameter_group_turns_on_exactly_the_keyspace_events_reflex_subscribes_to(synth: Synth, env: str) -> None:
    # Given the cache and its parameter group
    template = synth.stack(env, WEB_STACK)
    _, props = _cache(template)
    ((group_id, group),) = resources_of(template, "AWS::ElastiCache::ParameterGroup").items()
    # Then the cache uses it, its family is the engine's major version,
    assert props["CacheParameterGroupName"] == {"Ref": group_id}
    assert group["Properties"]["CacheParameterGroupFamily"] == WEB_CACHE.parameter_group_family
    # and it sets what Reflex's state manager would set with CONFIG SET (which ElastiCache refuses), and nothing else
    assert group["Properties"]["Properties"] == {"notify-keyspace-events": NOTIFY_KEYSPACE_EVENTS}
    assert REFLEX_NOTIFY_KEYSPACE_EVENTS == NOTIFY_KEYSPACE_EVENTS
    # and Reflex is told not to fail on the refused CONFIG SET
    environment = {e["Name"]: e["Value"] for e in _container(template)["Environment"]}
    assert environment["REFLEX_IGNORE_REDIS_CONFIG_ERROR"] == "true"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_cache_is_encrypted_keeps_no_snapshots_and_is_patched_in_its_window(synth: Synth, env: str) -> None:
    # Given the cache
    _, props = _cache(synth.stack(env, WEB_STACK))
    # Then clients must use TLS, the nodes are encrypted at rest,
    assert props["TransitEncryptionEnabled"] is True and props["TransitEncryptionMode"] == "required"
    assert props["AtRestEncryptionEnabled"] is True
    assert "AuthToken" not in props  # RBAC users instead (next test)
    # the disposable state is never snapshotted, and minor versions are applied in the maintenance window
    assert props["SnapshotRetentionLimit"] == 0
    assert props["AutoMinorVersionUpgrade"] is True
    assert props["PreferredMaintenanceWindow"] == WEB_CACHE.maintenance_window


@pytest.mark.parametrize(("env", "nodes"), [("dev", 1), ("staging", 2), ("prod", 2)])
def test_staging_and_prod_run_a_replica_in_the_other_az_with_failover_and_dev_one_node(
    synth: Synth, env: str, nodes: int
) -> None:
    # Given the cache of each environment
    _, props = _cache(synth.stack(env, WEB_STACK))
    # Then staging and prod have a primary and a replica, failing over automatically across AZs; dev has one node
    assert props["NumCacheClusters"] == nodes == 1 + synth.config(env).web.cache_replicas
    assert props["AutomaticFailoverEnabled"] is (nodes > 1)
    assert props["MultiAZEnabled"] is (nodes > 1)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_cache_clients_authenticate_with_a_generated_password_that_no_template_contains(synth: Synth, env: str) -> None:
    # Given the cache's user group, its users and the password secret
    template = synth.stack(env, WEB_STACK)
    resources = template["Resources"]
    _, cache_props = _cache(template)
    (group,) = resources_of(template, "AWS::ElastiCache::UserGroup").values()
    users = {
        u["Properties"]["UserName"]: u["Properties"] for u in resources_of(template, "AWS::ElastiCache::User").values()
    }
    password_id = _secret_id(template, "user's password")
    generator = resources[password_id]["Properties"]["GenerateSecretString"]
    # Then the cache requires a user of its group; the web user is the only one that can do anything
    (user_group_id,) = cache_props["UserGroupIds"]
    assert render(user_group_id) == render(group["Properties"]["UserGroupId"])
    assert set(users) == {"default", WEB_CACHE.user_name}
    assert users["default"]["AccessString"].startswith("off")
    assert users[WEB_CACHE.user_name]["AccessString"].startswith("on ")
    # and both authenticate by a password Secrets Manager generated (URL-safe), referenced, never written out
    assert generator["GenerateStringKey"] == "password" and generator["ExcludePunctuation"] is True
    for user in users.values():
        assert user["AuthenticationMode"]["Type"] == "password"
        (password,) = user["AuthenticationMode"]["Passwords"]
        assert render(password) == f"{{{{resolve:secretsmanager:<{password_id}>:SecretString:password::}}}}"
    # and no password is written anywhere else (no legacy AUTH token on the cache either)
    assert "AuthToken" not in json.dumps(template)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_redis_url_reaches_the_container_as_an_ecs_secret_over_tls(synth: Synth, env: str) -> None:
    # Given the URL secret and the web container
    template = synth.stack(env, WEB_STACK)
    resources = template["Resources"]
    cache_id, _ = _cache(template)
    url_id = _secret_id(template, "REFLEX_REDIS_URL")
    password_id = _secret_id(template, "user's password")
    container = _container(template)
    # Then the URL is rediss:// (TLS) with the web user, the password by reference, and the primary endpoint
    url = render(resources[url_id]["Properties"]["SecretString"])
    assert url == (
        f"rediss://{WEB_CACHE.user_name}:{{{{resolve:secretsmanager:<{password_id}>:SecretString:password::}}}}"
        f"@<{cache_id}.PrimaryEndPoint.Address>:<{cache_id}.PrimaryEndPoint.Port>"
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


def test_a_cache_node_type_the_stack_does_not_offer_fails_before_any_synth() -> None:
    # Given a web configuration naming a node type outside cdk.constants.CACHE_NODE_TYPES
    # When it is read, Then it is refused (the cost model has no price or size for it)
    with pytest.raises(ValidationError, match="cacheNodeType"):
        WebConfig.model_validate({"desiredCount": 1, "cacheNodeType": "cache.r7g.large"})
    assert WebConfig.model_validate({"desiredCount": 1}).cache_node_type in CACHE_NODE_TYPES
