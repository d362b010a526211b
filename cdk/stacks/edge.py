"""Edge stack (us-east-1): what CloudFront requires there, the WAF web ACL and the TLS certificate."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_route53 as route53
from constructs import Construct

from cdk.components.web_acl import EdgeWebAcl
from cdk.config import EnvironmentConfig


class EdgeStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: EnvironmentConfig, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.web_acl = EdgeWebAcl(
            self, "Waf", metric_prefix=construct_id, geo_block_countries=config.geo_block_countries
        ).web_acl
        self.certificate: acm.ICertificate | None = None
        if config.domain:
            zone = route53.HostedZone.from_hosted_zone_attributes(
                self, "Zone", hosted_zone_id=config.domain.hosted_zone_id, zone_name=config.domain.zone_name
            )
            self.certificate = acm.Certificate(
                self,
                "WebCertificate",
                domain_name=config.domain.name,
                validation=acm.CertificateValidation.from_dns(zone),
            )
