"""How the web tier reaches the internet and its browsers: no NAT gateway, hashed assets cached for a year."""

from __future__ import annotations

from typing import Any

import pytest

from cdk.constants import WEB_STACK
from cdk.stacks.web import HASHED_ASSETS_PATH, IMMUTABLE_CACHE_CONTROL

from .conftest import ENVIRONMENTS, Synth, resources_of

YEAR_S = 365 * 24 * 3600


def _by_id(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: v["Properties"] for k, v in resources_of(template, resource_type).items()}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_no_environment_pays_for_a_nat_gateway(synth: Synth, env: str) -> None:
    """Given an environment's Web stack
    Then it has no NAT gateway and no Elastic IP: the tasks reach ECR, CloudWatch Logs, Cognito and the WebSocket
    API through public IPs in public subnets, while their security group admits the load balancer alone."""
    template = synth.stack(env, WEB_STACK)
    assert resources_of(template, "AWS::EC2::NatGateway") == {}
    assert resources_of(template, "AWS::EC2::EIP") == {}
    (service,) = _by_id(template, "AWS::ECS::Service").values()
    network = service["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["AssignPublicIp"] == "ENABLED"
    groups = _by_id(template, "AWS::EC2::SecurityGroup")
    (task_group,) = [g for g in groups.values() if g["GroupDescription"].startswith("Web tasks")]
    assert task_group.get("SecurityGroupIngress", []) == []  # ingress only as the ALB rule below
    ingress = _by_id(template, "AWS::EC2::SecurityGroupIngress").values()
    assert all("SourceSecurityGroupId" in rule or "SourcePrefixListId" in rule for rule in ingress)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_hashed_assets_are_cached_for_a_year_and_pages_not_at_all(synth: Synth, env: str) -> None:
    """Given the CloudFront distribution
    Then /assets/* (Reflex's content-hashed build files) is cached at the edge for a year with nothing per person
    in the key, GET and HEAD only, compressed, and tells browsers it is immutable, with the same security headers
    as the pages; every other path stays uncached."""
    template = synth.stack(env, WEB_STACK)
    (distribution,) = _by_id(template, "AWS::CloudFront::Distribution").values()
    config = distribution["DistributionConfig"]
    (assets,) = config["CacheBehaviors"]
    assert assets["PathPattern"] == HASHED_ASSETS_PATH
    assert assets["AllowedMethods"] == ["GET", "HEAD"] and assets["Compress"] is True
    assert assets["ViewerProtocolPolicy"] == "redirect-to-https"
    policies = {k: v["CachePolicyConfig"] for k, v in _by_id(template, "AWS::CloudFront::CachePolicy").items()}
    policy = policies[assets["CachePolicyId"]["Ref"]]
    assert (policy["MinTTL"], policy["DefaultTTL"], policy["MaxTTL"]) == (YEAR_S, YEAR_S, YEAR_S)
    key = policy["ParametersInCacheKeyAndForwardedToOrigin"]
    assert (
        key["CookiesConfig"]["CookieBehavior"] == "none" and key["QueryStringsConfig"]["QueryStringBehavior"] == "none"
    )
    assert key["HeadersConfig"]["HeaderBehavior"] == "none"
    headers = {
        k: v["ResponseHeadersPolicyConfig"]
        for k, v in _by_id(template, "AWS::CloudFront::ResponseHeadersPolicy").items()
    }
    asset_headers = headers[assets["ResponseHeadersPolicyId"]["Ref"]]
    page_headers = headers[config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"]["Ref"]]
    custom = {h["Header"]: h["Value"] for h in asset_headers["CustomHeadersConfig"]["Items"]}
    assert custom["Cache-Control"] == IMMUTABLE_CACHE_CONTROL
    assert asset_headers["SecurityHeadersConfig"] == page_headers["SecurityHeadersConfig"]
    assert config["DefaultCacheBehavior"]["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CachingDisabled
