"""Edge and web stacks: WAF in us-east-1, CloudFront in front of an internal ALB, Fargate sized per env."""

from __future__ import annotations

import pytest

from cdk.constants import EDGE_STACK, WEB_CONTAINER_NAME, WEB_STACK

from .conftest import ENVIRONMENTS, Synth, render, resources_of


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


@pytest.mark.parametrize(("env", "tasks", "nat"), [("dev", 1, 0), ("staging", 2, 1), ("prod", 3, 2)])
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
        "MOTIVATOR_WS_URL", "COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID", "COGNITO_REGION"
    }  # fmt: skip
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
