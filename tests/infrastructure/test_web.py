"""Edge and web stacks: WAF in us-east-1, CloudFront in front of an internal ALB, Fargate sized per env."""

from __future__ import annotations

import json
import os

import pytest
from motivator_web.config import ENV_NAMES, WebSettings

from cdk.app_builder import stack_name
from cdk.constants import AUTH_STACK, CHAT_API_STACK, EDGE_STACK, WEB_CONTAINER_NAME, WEB_STACK

from .conftest import ENVIRONMENTS, Synth, render, resources_of, websocket_api_id


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_waf_has_managed_rule_sets_and_the_ip_rate_limit(synth: Synth, env: str) -> None:
    # Given the edge stack's web ACL
    (acl,) = resources_of(synth.stack(env, EDGE_STACK), "AWS::WAFv2::WebACL").values()
    props = acl["Properties"]
    rules = {r["Name"]: r for r in props["Rules"]}
    # Then it is a CloudFront ACL with the AWS core and known-bad-inputs groups and 2000 req / 5 min / IP
    assert props["Scope"] == "CLOUDFRONT"
    assert props["DefaultAction"] == {"Allow": {}}
    for group in ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"):
        assert rules[group]["Statement"]["ManagedRuleGroupStatement"] == {"VendorName": "AWS", "Name": group}
        assert rules[group]["OverrideAction"] == {"None": {}}
    rate = rules["RateLimitPerIp"]
    assert rate["Statement"]["RateBasedStatement"] == {
        "Limit": 2000,
        "AggregateKeyType": "IP",
        "EvaluationWindowSec": 300,
    }
    assert rate["Action"] == {"Block": {}}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_cloudfront_uses_the_waf_and_an_internal_alb_vpc_origin(synth: Synth, env: str) -> None:
    # Given the web stack
    template = synth.stack(env, WEB_STACK)
    (distribution,) = resources_of(template, "AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    # Then CloudFront carries the us-east-1 web ACL (through the cross-region export reader),
    # redirects to HTTPS, caches nothing and reaches the ALB through a VPC origin
    assert "ExportsReader" in render(config["WebACLId"])
    behavior = config["DefaultCacheBehavior"]
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behavior["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # Managed-CachingDisabled
    assert "VpcOriginConfig" in config["Origins"][0]
    assert config["Logging"]
    (alb,) = resources_of(template, "AWS::ElasticLoadBalancingV2::LoadBalancer").values()
    assert alb["Properties"]["Scheme"] == "internal"


@pytest.mark.parametrize(("env", "tasks", "nat"), [("dev", 1, 0), ("staging", 2, 0), ("prod", 3, 0)])
def test_fargate_service_is_sized_per_environment(synth: Synth, env: str, tasks: int, nat: int) -> None:
    # Given the web stack of an environment
    template = synth.stack(env, WEB_STACK)
    (service,) = resources_of(template, "AWS::ECS::Service").values()
    (target,) = resources_of(template, "AWS::ApplicationAutoScaling::ScalableTarget").values()
    (policy,) = resources_of(template, "AWS::ApplicationAutoScaling::ScalingPolicy").values()
    # Then the desired count, 1-10 CPU auto scaling and NAT gateways follow the environment (none in dev)
    assert service["Properties"]["DesiredCount"] == tasks
    assert service["Properties"]["LaunchType"] == "FARGATE"
    assert service["Properties"]["DeploymentConfiguration"]["DeploymentCircuitBreaker"] == {
        "Enable": True,
        "Rollback": True,
    }
    assert (target["Properties"]["MinCapacity"], target["Properties"]["MaxCapacity"]) == (1, 10)
    tracking = policy["Properties"]["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["PredefinedMetricSpecification"]["PredefinedMetricType"] == "ECSServiceAverageCPUUtilization"
    assert len(resources_of(template, "AWS::EC2::NatGateway")) == nat
    network = service["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["AssignPublicIp"] == ("ENABLED" if nat == 0 else "DISABLED")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_health_check_and_arm64_task(synth: Synth, env: str) -> None:
    # Given the target group and task definition
    template = synth.stack(env, WEB_STACK)
    web = synth.config(env).web
    (group,) = resources_of(template, "AWS::ElasticLoadBalancingV2::TargetGroup").values()
    (task,) = resources_of(template, "AWS::ECS::TaskDefinition").values()
    # Then the ALB checks the Reflex health path on the container port of an ARM64 task
    assert group["Properties"]["HealthCheckPath"] == web.health_check_path
    assert group["Properties"]["Port"] == web.container_port
    assert task["Properties"]["RuntimePlatform"]["CpuArchitecture"] == "ARM64"
    (container,) = task["Properties"]["ContainerDefinitions"]
    assert container["Name"] == WEB_CONTAINER_NAME
    assert {e["Name"] for e in container["Environment"]} == {
        ENV_NAMES[field] for field in ("ws_url", "http_api_url", "client_id", "region", "user_pool_id")
    } | {"REFLEX_DEPLOY_URL", "REFLEX_API_URL"} | {  # the app's own URL: the one origin Reflex accepts
        "REFLEX_TRUSTED_PROXY_HOPS",  # CloudFront and the ALB append to X-Forwarded-For
        "REFLEX_IGNORE_REDIS_CONFIG_ERROR",  # ElastiCache refuses CONFIG SET
    }
    # the image comes from ECR by tag: nothing is built at synth
    assert "motivator-web:latest" in render(container["Image"])


def test_prod_web_client_has_its_custom_domain(synth: Synth) -> None:
    # Given prod synthesized with a custom domain
    edge = synth.stack("prod", EDGE_STACK)
    web = synth.stack("prod", WEB_STACK)
    # Then the certificate is in us-east-1 and CloudFront serves the name, with A and AAAA aliases
    (cert,) = resources_of(edge, "AWS::CertificateManager::Certificate").values()
    assert cert["Properties"]["DomainName"] == "chatbot.example.com"
    (distribution,) = resources_of(web, "AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    assert config["Aliases"] == ["chatbot.example.com"]
    assert config["ViewerCertificate"]["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert sorted(r["Properties"]["Type"] for r in resources_of(web, "AWS::Route53::RecordSet").values()) == [
        "A",
        "AAAA",
    ]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_web_client_settings_load_from_exactly_the_task_definition_environment(
    synth: Synth, env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the web container's environment and secrets exactly as synthesized
    (task,) = resources_of(synth.stack(env, WEB_STACK), "AWS::ECS::TaskDefinition").values()
    (container,) = task["Properties"]["ContainerDefinitions"]
    environment = {variable["Name"]: render(variable["Value"]) for variable in container["Environment"]}
    secrets = {secret["Name"]: render(secret["ValueFrom"]) for secret in container["Secrets"]}
    # When the web client reads its settings from that environment and nothing else (ECS adds each secret's value)
    for name in os.environ:
        if name.upper().startswith("MOTIVATOR_"):
            monkeypatch.delenv(name)
    for name, value in {**environment, **{name: f"<value of {arn}>" for name, arn in secrets.items()}}.items():
        monkeypatch.setenv(name, value)
    settings = WebSettings()  # type: ignore[call-arg]
    # Then the first page load finds everything it needs: this environment's WebSocket API, app client and
    # region, the real Cognito (no endpoint override) and no admin auto-confirm (Cognito emails the code)
    config = synth.config(env)
    if config.domain:
        assert settings.ws_url == f"wss://{config.domain.websocket_name}"
    else:
        api_id = websocket_api_id(synth.stack(env, CHAT_API_STACK))
        assert settings.ws_url.startswith(f"wss://<import {stack_name(env, CHAT_API_STACK)}:ExportsOutputRef{api_id}")
        assert settings.ws_url.endswith(f".execute-api.{config.region}.<AWS::URLSuffix>/{env}")
    (client_id,) = resources_of(synth.stack(env, AUTH_STACK), "AWS::Cognito::UserPoolClient")
    assert settings.client_id.startswith(f"<import {stack_name(env, AUTH_STACK)}:ExportsOutputRef{client_id}")
    assert settings.region == config.region
    assert settings.cognito_url is None
    assert settings.auto_confirm is False
    # and the app client's secret, which Secrets Manager holds (the Auth stack's secret), never the environment
    (client_secret,) = resources_of(synth.stack(env, AUTH_STACK), "AWS::SecretsManager::Secret")
    assert settings.client_secret is not None
    assert f"<import {stack_name(env, AUTH_STACK)}:ExportsOutputRef{client_secret}" in settings.client_secret


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_internal_alb_admits_cloudfront_vpc_origin_traffic_on_the_origin_port(synth: Synth, env: str) -> None:
    # Given the internal ALB, its security group and CloudFront's VPC origin
    template = synth.stack(env, WEB_STACK)
    resources = template["Resources"]
    (alb,) = resources_of(template, "AWS::ElasticLoadBalancingV2::LoadBalancer").values()
    ((group_id, _),) = (ref["Fn::GetAtt"] for ref in alb["Properties"]["SecurityGroups"])
    rules = list(resources[group_id]["Properties"].get("SecurityGroupIngress", []))
    rules += [
        r["Properties"]
        for r in resources_of(template, "AWS::EC2::SecurityGroupIngress").values()
        if r["Properties"]["GroupId"] == {"Fn::GetAtt": [group_id, "GroupId"]}
    ]
    (origin,) = resources_of(template, "AWS::CloudFront::VpcOrigin").values()
    port = origin["Properties"]["VpcOriginEndpointConfig"]["HTTPPort"]
    # Then its one way in is the VPC origin's port from CloudFront's origin-facing managed prefix list (where
    # VPC-origin traffic comes from; the VPC's own CIDR is not it), whose ID is looked up by name at deploy time
    (rule,) = rules
    assert (rule["IpProtocol"], rule["FromPort"], rule["ToPort"]) == ("tcp", port, port)
    assert "CidrIp" not in rule and "CidrIpv6" not in rule
    lookup_id, field = rule["SourcePrefixListId"]["Fn::GetAtt"]
    assert field == "PrefixLists.0.PrefixListId"
    call = json.loads(render(resources[lookup_id]["Properties"]["Create"]))
    assert (call["service"].lower(), call["action"]) == ("ec2", "describeManagedPrefixLists")
    assert call["parameters"]["Filters"] == [
        {"Name": "prefix-list-name", "Values": ["com.amazonaws.global.cloudfront.origin-facing"]}
    ]
    (listener,) = resources_of(template, "AWS::ElasticLoadBalancingV2::Listener").values()
    assert listener["Properties"]["Port"] == port


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_cloudfront_adds_the_web_clients_security_headers(synth: Synth, env: str) -> None:
    # Given the distribution and its response headers policy
    from motivator_web.security import PERMISSIONS_POLICY, content_security_policy

    template = synth.stack(env, WEB_STACK)
    (distribution,) = resources_of(template, "AWS::CloudFront::Distribution").values()
    behavior = distribution["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    # (the pages' policy; /assets/* has its own, the same plus Cache-Control: test_web_delivery.py)
    policy_id = behavior["ResponseHeadersPolicyId"]["Ref"]
    policy = template["Resources"][policy_id]["Properties"]["ResponseHeadersPolicyConfig"]
    security = policy["SecurityHeadersConfig"]
    # Then every response carries a CSP: the origin's (its bundle's inline scripts by hash), else the strictest (own
    # origin only, no inline script, no eval, no framing); and HSTS for a year with subdomains, nosniff, DENY,
    # same-origin referrers and no powerful features, each overriding the origin's
    assert behavior["ResponseHeadersPolicyId"] == {"Ref": policy_id}
    strictest = content_security_policy(script_hashes=())
    assert security["ContentSecurityPolicy"] == {"ContentSecurityPolicy": strictest, "Override": False}
    assert "frame-ancestors 'none'" in strictest
    assert "script-src 'self';" in strictest
    assert security["StrictTransportSecurity"] == {
        "AccessControlMaxAgeSec": 31536000,
        "IncludeSubdomains": True,
        "Override": True,
    }
    assert security["ContentTypeOptions"] == {"Override": True}
    assert security["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
    assert security["ReferrerPolicy"] == {"ReferrerPolicy": "same-origin", "Override": True}
    assert policy["CustomHeadersConfig"]["Items"] == [
        {"Header": "Permissions-Policy", "Value": PERMISSIONS_POLICY, "Override": True}
    ]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_reflex_accepts_sockets_only_from_the_distributions_own_origin(synth: Synth, env: str) -> None:
    # Given the web container's environment
    (task,) = resources_of(synth.stack(env, WEB_STACK), "AWS::ECS::TaskDefinition").values()
    (container,) = task["Properties"]["ContainerDefinitions"]
    environment = {variable["Name"]: render(variable["Value"]) for variable in container["Environment"]}
    # Then Reflex's deploy URL (whose origin rxconfig.py allows alone) and its API URL are the app's HTTPS URL
    config = synth.config(env)
    expected = f"https://{config.domain.name}" if config.domain else environment["REFLEX_DEPLOY_URL"]
    assert environment["REFLEX_DEPLOY_URL"] == environment["REFLEX_API_URL"] == expected
    assert expected.startswith("https://")
    if not config.domain:
        assert "Cdn" in expected and "DomainName" in expected
