"""The Reflex web client: Fargate tasks behind an internal ALB that only CloudFront (VPC origin) reaches, their
shared state in ElastiCache, so any task serves any tab and a rolling deployment loses nobody."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import custom_resources as cr
from constructs import Construct

from cdk.components.web_cache import WebStateCache
from cdk.config import WebConfig
from cdk.constants import (
    CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST,
    REFLEX_IGNORE_REDIS_CONFIG_ERROR,
    REFLEX_IGNORE_REDIS_CONFIG_ERROR_VARIABLE,
    REFLEX_TRUSTED_PROXY_HOPS_VARIABLE,
    ROUTE_FUNCTIONS,
    WEB_ALB_PORT,
    WEB_AUTOSCALING_MAX,
    WEB_AUTOSCALING_MIN,
    WEB_CONTAINER_NAME,
    WEB_CPU_TARGET_PERCENT,
    WEB_TRUSTED_PROXY_HOPS,
)
from cdk.nag import suppress
from cdk.web_client import web_module


class CloudFrontOriginFacing(Construct):
    """The ID of CloudFront's origin-facing managed prefix list in this region, looked up by its name at deploy time
    (ec2:DescribeManagedPrefixLists): a synth-time lookup would need AWS credentials, and the IDs differ by region."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        call = cr.AwsSdkCall(
            service="EC2",
            action="describeManagedPrefixLists",
            parameters={"Filters": [{"Name": "prefix-list-name", "Values": [CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST]}]},
            physical_resource_id=cr.PhysicalResourceId.of(CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST),
            output_paths=["PrefixLists.0.PrefixListId"],
        )
        self.lookup = cr.AwsCustomResource(
            self,
            "Lookup",
            on_create=call,
            on_update=call,
            # Describe calls have no resource-level permissions.
            policy=cr.AwsCustomResourcePolicy.from_sdk_calls(resources=cr.AwsCustomResourcePolicy.ANY_RESOURCE),
            install_latest_aws_sdk=False,
        )
        self.prefix_list_id = self.lookup.get_response_field("PrefixLists.0.PrefixListId")
        suppress(
            self.lookup,
            "AwsSolutions-IAM5",
            "ec2:DescribeManagedPrefixLists, the only action granted, supports no resource-level permissions.",
            applies_to=["Resource::*"],
        )
        role = self.lookup.grant_principal
        assert isinstance(role, Construct)
        suppress(
            role,
            "AwsSolutions-IAM4",
            "CDK's AwsCustomResource provider runs under AWSLambdaBasicExecutionRole (its own CloudWatch Logs only); "
            "it runs once per deployment of this stack.",
            applies_to=["Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
        )


class WebNetwork(Construct):
    """Two AZs. Without NAT gateways (all environments) tasks run in public subnets with public IPs (egress only;
    their security group admits the ALB alone) and the ALB sits in isolated subnets."""

    def __init__(self, scope: Construct, construct_id: str, *, nat_gateways: int, log_retention: logs.RetentionDays,
                 removal_policy: RemovalPolicy) -> None:  # fmt: skip
        super().__init__(scope, construct_id)
        self.has_nat = nat_gateways > 0
        private_type = ec2.SubnetType.PRIVATE_WITH_EGRESS if self.has_nat else ec2.SubnetType.PRIVATE_ISOLATED
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=2,
            nat_gateways=nat_gateways,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24),
                ec2.SubnetConfiguration(name="private", subnet_type=private_type, cidr_mask=22),
            ],
        )
        flow_logs = logs.LogGroup(self, "FlowLogs", retention=log_retention, removal_policy=removal_policy)
        self.vpc.add_flow_log(
            "FlowLog",
            destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs),
            traffic_type=ec2.FlowLogTrafficType.REJECT,
        )
        self.alb_subnets = ec2.SubnetSelection(subnet_type=private_type)
        self.private_subnets = self.alb_subnets
        self.task_subnets = ec2.SubnetSelection(subnet_type=private_type if self.has_nat else ec2.SubnetType.PUBLIC)


#: The longest an answer streams (sendMessage's Lambda timeout): a task being replaced keeps its sockets this long.
LONGEST_ANSWER_S = max(f.timeout_s for f in ROUTE_FUNCTIONS if f.invokes_bedrock)
#: ECS's longest wait between SIGTERM and SIGKILL (Fargate allows 120 s).
STOP_TIMEOUT_S = 120


class WebService(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        network: WebNetwork,
        image: ecs.ContainerImage,
        web: WebConfig,
        environment: Mapping[str, str],
        secrets: Mapping[str, ecs.Secret],
        cache_name: str,
        log_bucket: s3.IBucket,
        log_retention: logs.RetentionDays,
        removal_policy: RemovalPolicy,
    ) -> None:
        super().__init__(scope, construct_id)
        vpc = network.vpc
        cluster = ecs.Cluster(self, "Cluster", vpc=vpc, container_insights_v2=ecs.ContainerInsights.ENABLED)

        task = ecs.FargateTaskDefinition(
            self,
            "Task",
            cpu=web.cpu,
            memory_limit_mib=web.memory_mib,
            runtime_platform=ecs.RuntimePlatform(
                cpu_architecture=ecs.CpuArchitecture.ARM64,
                operating_system_family=ecs.OperatingSystemFamily.LINUX,
            ),
        )

        self.alb_security_group = ec2.SecurityGroup(
            self, "AlbSecurityGroup", vpc=vpc, description="Internal ALB: CloudFront VPC origin only",
            allow_all_outbound=False,
        )  # fmt: skip
        # VPC-origin traffic reaches the ALB from CloudFront's origin-facing addresses (through the service's ENIs
        # in this VPC), not from the VPC's CIDR; being internal, the ALB is reachable by nothing else on them.
        self.alb_security_group.add_ingress_rule(
            ec2.Peer.prefix_list(CloudFrontOriginFacing(self, "CloudFrontOriginFacing").prefix_list_id),
            ec2.Port.tcp(WEB_ALB_PORT),
            "CloudFront VPC origin (origin-facing prefix list)",
        )
        task_security_group = ec2.SecurityGroup(
            self, "TaskSecurityGroup", vpc=vpc, description="Web tasks: from the ALB only", allow_all_outbound=True
        )
        task_security_group.add_ingress_rule(self.alb_security_group, ec2.Port.tcp(web.container_port), "ALB to Reflex")
        self.alb_security_group.add_egress_rule(task_security_group, ec2.Port.tcp(web.container_port), "ALB to Reflex")

        self.cache = WebStateCache(
            self, "State", vpc=vpc, subnets=network.private_subnets, clients=task_security_group, name=cache_name,
            node_type=web.cache_node_type, replicas=web.cache_replicas, removal_policy=removal_policy,
        )  # fmt: skip
        container_logs = logs.LogGroup(self, "Logs", retention=log_retention, removal_policy=removal_policy)
        task.add_container(
            WEB_CONTAINER_NAME,
            image=image,
            environment={
                **environment,
                # The client's address for sign-in throttling and Cognito: X-Forwarded-For, CloudFront and the ALB.
                REFLEX_TRUSTED_PROXY_HOPS_VARIABLE: str(WEB_TRUSTED_PROXY_HOPS),
                # ElastiCache refuses CONFIG SET; the parameter group has the keyspace notifications on already.
                REFLEX_IGNORE_REDIS_CONFIG_ERROR_VARIABLE: REFLEX_IGNORE_REDIS_CONFIG_ERROR,
            },
            # Secrets Manager values, fetched by ECS at task start: never in the task definition.
            secrets={
                web_module("config").REDIS_URL_VARIABLE: ecs.Secret.from_secrets_manager(self.cache.url),
                **secrets,
            },
            logging=ecs.LogDrivers.aws_logs(stream_prefix="web", log_group=container_logs),
            port_mappings=[ecs.PortMapping(container_port=web.container_port)],
            readonly_root_filesystem=False,
            # After the ALB has drained the task (below), Reflex gets this long to finish what it was doing.
            stop_timeout=Duration.seconds(STOP_TIMEOUT_S),
        )

        self.service = ecs.FargateService(
            self,
            "Service",
            cluster=cluster,
            task_definition=task,
            desired_count=web.desired_count,
            assign_public_ip=not network.has_nat,
            vpc_subnets=network.task_subnets,
            security_groups=[task_security_group],
            circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True),
            min_healthy_percent=100,
            max_healthy_percent=200,
            health_check_grace_period=Duration.seconds(60),
        )

        self.load_balancer = elbv2.ApplicationLoadBalancer(
            self,
            "Alb",
            vpc=vpc,
            internet_facing=False,
            vpc_subnets=network.alb_subnets,
            security_group=self.alb_security_group,
            drop_invalid_header_fields=True,
            idle_timeout=Duration.seconds(300),  # Reflex keeps a websocket open per browser tab
        )
        self.load_balancer.log_access_logs(log_bucket, prefix="alb")
        # The ALB appends CloudFront's address to X-Forwarded-For (the default, pinned): the proxy hops count on it.
        self.load_balancer.set_attribute("routing.http.xff_header_processing.mode", "append")
        listener = self.load_balancer.add_listener("Http", port=WEB_ALB_PORT, open=False)
        listener.add_targets(
            "Reflex",
            port=web.container_port,
            protocol=elbv2.ApplicationProtocol.HTTP,
            targets=[self.service],
            health_check=elbv2.HealthCheck(
                path=web.health_check_path,
                healthy_http_codes="200",
                interval=Duration.seconds(15),
                healthy_threshold_count=2,
                unhealthy_threshold_count=3,
            ),
            # A task leaving (deployment, scale-in) keeps its open sockets until the longest answer has ended;
            # new connections already go to the other tasks, which read each tab's state from the cache. No
            # stickiness: any task serves any tab.
            deregistration_delay=Duration.seconds(LONGEST_ANSWER_S),
        )

        scaling = self.service.auto_scale_task_count(
            min_capacity=max(web.min_capacity, WEB_AUTOSCALING_MIN),
            max_capacity=min(web.max_capacity, WEB_AUTOSCALING_MAX),
        )
        scaling.scale_on_cpu_utilization("Cpu", target_utilization_percent=WEB_CPU_TARGET_PERCENT)

        suppress(
            task,
            "AwsSolutions-ECS2",
            "The environment holds public configuration only (Cognito pool and client IDs, the WebSocket URL, the "
            "region, Reflex's own URL and proxy count); the cache URL and the app client secret are ECS secrets "
            "from Secrets Manager.",
        )
        if task.execution_role:
            suppress(
                task.execution_role,
                "AwsSolutions-IAM5",
                "ecr:GetAuthorizationToken (image pull login) has no resource-level permissions; logs and image "
                "pulls are scoped to this task's log group and repository.",
                applies_to=["Resource::*"],
            )
