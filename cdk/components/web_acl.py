"""The CloudFront web ACL (scope CLOUDFRONT, so it lives in us-east-1)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from cdk.constants import WAF_MANAGED_RULE_GROUPS, WAF_RATE_LIMIT_PER_5_MIN, WAF_RATE_WINDOW_S

GEO_BLOCK_RULE = "GeoBlock"


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
    )


class EdgeWebAcl(Construct):
    """AWS's core and known-bad-inputs rules, a per-IP rate limit and, when countries are listed, a geo block."""

    def __init__(
        self, scope: Construct, construct_id: str, *, metric_prefix: str, geo_block_countries: Sequence[str] = ()
    ) -> None:
        super().__init__(scope, construct_id)
        rules = [
            wafv2.CfnWebACL.RuleProperty(
                name=group,
                priority=priority,
                statement=wafv2.CfnWebACL.StatementProperty(
                    managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                        vendor_name="AWS", name=group
                    )
                ),
                override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                visibility_config=_visibility(f"{metric_prefix}-{group}"),
            )
            for priority, group in enumerate(WAF_MANAGED_RULE_GROUPS)
        ]
        rules.append(
            wafv2.CfnWebACL.RuleProperty(
                name="RateLimitPerIp",
                priority=len(rules),
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        limit=WAF_RATE_LIMIT_PER_5_MIN,
                        aggregate_key_type="IP",
                        evaluation_window_sec=WAF_RATE_WINDOW_S,
                    )
                ),
                action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                visibility_config=_visibility(f"{metric_prefix}-RateLimitPerIp"),
            )
        )
        if geo_block_countries:
            rules.append(
                wafv2.CfnWebACL.RuleProperty(
                    name=GEO_BLOCK_RULE,
                    priority=len(rules),
                    statement=wafv2.CfnWebACL.StatementProperty(
                        geo_match_statement=wafv2.CfnWebACL.GeoMatchStatementProperty(
                            country_codes=sorted(geo_block_countries)
                        )
                    ),
                    action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                    visibility_config=_visibility(f"{metric_prefix}-{GEO_BLOCK_RULE}"),
                )
            )
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            scope="CLOUDFRONT",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_visibility(f"{metric_prefix}-WebAcl"),
            rules=rules,
        )
