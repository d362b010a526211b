"""Web stack: the Reflex client on ECS Fargate, CloudFront (with the us-east-1 WAF) in front."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from cdk.components.web_service import WebNetwork, WebService
from cdk.config import ROOT, EnvironmentConfig, ImageConfig
from cdk.constants import WEB_ALB_PORT, WEB_DOCKERFILE_DIR
from cdk.nag import suppress
from cdk.web_client import web_module

#: Reflex's build output under /assets/ is named by content hash (Vite): a file there never changes.
HASHED_ASSETS_PATH = "/assets/*"
IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"
HASHED_ASSETS_TTL = Duration.days(365)


def security_headers_policy(
    scope: Construct, construct_id: str, extra_headers: dict[str, str] | None = None
) -> cloudfront.ResponseHeadersPolicy:
    """CloudFront adds the web client's security headers (security.security_headers()) to every response. The CSP is
    the origin's when it sends one (the container's allows its own bundle's inline scripts by hash, known only once
    the image is built); a response without one (CloudFront's own errors) gets the strictest: no inline script."""
    security = web_module("security")
    headers: dict[str, str] = {**security.security_headers(script_hashes=()), **(extra_headers or {})}
    hsts = [part.strip() for part in headers.pop("Strict-Transport-Security").split(";")]
    max_age = int(next(part for part in hsts if part.startswith("max-age=")).removeprefix("max-age="))
    referrer = headers.pop("Referrer-Policy").upper().replace("-", "_")
    frame = headers.pop("X-Frame-Options")
    if headers.pop("X-Content-Type-Options") != "nosniff":
        raise ValueError("X-Content-Type-Options must be nosniff: it is the only value CloudFront sets")
    return cloudfront.ResponseHeadersPolicy(
        scope,
        construct_id,
        comment="Motivator web client security headers (webclient/motivator_web/security.py)",
        security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
            content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                content_security_policy=headers.pop("Content-Security-Policy"), override=False
            ),
            strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                access_control_max_age=Duration.seconds(max_age),
                include_subdomains="includeSubDomains" in hsts,
                override=True,
            ),
            content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
            frame_options=cloudfront.ResponseHeadersFrameOptions(
                frame_option=cloudfront.HeadersFrameOption[frame], override=True
            ),
            referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                referrer_policy=cloudfront.HeadersReferrerPolicy[referrer], override=True
            ),
        ),
        custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(
            custom_headers=[
                cloudfront.ResponseCustomHeader(header=name, value=value, override=True)
                for name, value in headers.items()
            ]
        ),
    )


def web_image(scope: Construct, image: ImageConfig) -> ecs.ContainerImage:
    """The ECR repository and tag (default; no Docker anywhere near the synth) or the Dockerfile as an
    asset (the synth only records it; `cdk deploy` builds it, so that needs Docker)."""
    if image.source == "asset":
        return ecs.ContainerImage.from_asset(str(ROOT / WEB_DOCKERFILE_DIR), platform=ecr_assets.Platform.LINUX_ARM64)
    repository = ecr.Repository.from_repository_name(scope, "WebImageRepository", image.repository)
    return ecs.ContainerImage.from_ecr_repository(repository, image.tag)


class WebStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        image: ImageConfig,
        web_acl_arn: str,
        certificate: acm.ICertificate | None,
        client_environment: dict[str, str],
        client_secret: secretsmanager.ISecret,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        removal = RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY
        retention = config.log_retention

        log_bucket = s3.Bucket(
            self,
            "Logs",
            encryption=s3.BucketEncryption.S3_MANAGED,  # ALB access logs accept SSE-S3 only
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            # CloudFront standard logs are delivered with ACLs.
            object_ownership=s3.ObjectOwnership.OBJECT_WRITER,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(config.log_retention_days))],
            removal_policy=removal,
            auto_delete_objects=False,
        )
        suppress(
            log_bucket, "AwsSolutions-S1", "This is the access-log bucket itself; logging it to itself would loop."
        )

        network = WebNetwork(self, "Network", nat_gateways=config.web.nat_gateways, log_retention=retention,
                             removal_policy=removal)  # fmt: skip
        self.web = WebService(
            self,
            "Client",
            network=network,
            image=web_image(self, image),
            web=config.web,
            environment=client_environment,
            # The web tier's confidential Cognito app client (cdk/stacks/auth.py), by its settings field's name.
            secrets={web_module("config").ENV_NAMES["client_secret"]: ecs.Secret.from_secrets_manager(client_secret)},
            cache_name=f"{construct_id.lower()}-state",
            log_bucket=log_bucket,
            log_retention=retention,
            removal_policy=removal,
        )

        domain_names = [config.domain.name] if config.domain else None
        origin = origins.VpcOrigin.with_application_load_balancer(
            self.web.load_balancer,
            http_port=WEB_ALB_PORT,
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTP_ONLY,
            read_timeout=Duration.seconds(60),
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Cdn",
            comment=f"Motivator web client ({config.name})",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origin,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                # Reflex pages and its /_event websocket are per user: nothing is cached.
                cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER,
                response_headers_policy=security_headers_policy(self, "SecurityHeaders"),
            ),
            additional_behaviors={HASHED_ASSETS_PATH: self._hashed_assets(origin)},
            web_acl_id=web_acl_arn,
            domain_names=domain_names,
            certificate=certificate,
            # Only meaningful with our own certificate (the default *.cloudfront.net one is fixed by AWS).
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 if certificate else None,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            enable_logging=True,
            log_bucket=log_bucket,
            log_file_prefix="cloudfront/",
        )
        url = f"https://{config.domain.name}" if config.domain else f"https://{self.distribution.domain_name}"
        if config.domain:
            zone = route53.HostedZone.from_hosted_zone_attributes(
                self, "Zone", hosted_zone_id=config.domain.hosted_zone_id, zone_name=config.domain.zone_name
            )
            alias = route53.RecordTarget.from_alias(targets.CloudFrontTarget(self.distribution))
            route53.ARecord(self, "WebAlias", zone=zone, record_name=config.domain.name, target=alias)
            route53.AaaaRecord(self, "WebAliasV6", zone=zone, record_name=config.domain.name, target=alias)
        CfnOutput(self, "WebUrl", value=url)
        # The app's own origin: Reflex accepts /_event sockets and uploads from it alone (webclient/rxconfig.py),
        # and the frontend reaches its backend there (same origin through CloudFront).
        container = self.web.service.task_definition.default_container
        assert container is not None
        for name, value in web_module("security").own_url_environment(url).items():
            container.add_environment(name, value)

        suppress(
            self.distribution,
            "AwsSolutions-CFR1",
            "The encouragement chat is offered worldwide; no geographic restriction is wanted.",
        )
        if not config.domain:
            suppress(
                self.distribution,
                "AwsSolutions-CFR4",
                "Without a custom domain the distribution uses the default *.cloudfront.net certificate, whose "
                "minimum protocol CloudFront fixes; with a domain TLSv1.2_2021 applies.",
            )

    def _hashed_assets(self, origin: cloudfront.IOrigin) -> cloudfront.BehaviorOptions:
        """The hashed build files: cached at the edge and in browsers for a year, whatever the origin says, with no
        cookie, header or query string in the key (one copy for everyone); the same security headers."""
        policy = cloudfront.CachePolicy(
            self,
            "HashedAssets",
            comment="Reflex's content-hashed /assets/ files: they never change",
            default_ttl=HASHED_ASSETS_TTL,
            min_ttl=HASHED_ASSETS_TTL,
            max_ttl=HASHED_ASSETS_TTL,
            cookie_behavior=cloudfront.CacheCookieBehavior.none(),
            header_behavior=cloudfront.CacheHeaderBehavior.none(),
            query_string_behavior=cloudfront.CacheQueryStringBehavior.none(),
            enable_accept_encoding_gzip=True,
            enable_accept_encoding_brotli=True,
        )
        headers = security_headers_policy(self, "HashedAssetHeaders", {"Cache-Control": IMMUTABLE_CACHE_CONTROL})
        return cloudfront.BehaviorOptions(
            origin=origin,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
            cached_methods=cloudfront.CachedMethods.CACHE_GET_HEAD,
            cache_policy=policy,
            compress=True,
            response_headers_policy=headers,
        )
