"""Edge and identity settings from context: the WAF's country block, the API's own name, SES for Cognito's mail."""

from __future__ import annotations

import pytest

from cdk.components.web_acl import GEO_BLOCK_RULE
from cdk.config import CustomDomain, MissingEmailFrom, default_context, load_app_config
from cdk.constants import AUTH_STACK, EDGE_STACK

from .conftest import ENVIRONMENTS, EXAMPLE_DOMAIN, EXAMPLE_EMAIL_FROM, EXAMPLE_GEO_BLOCK, Synth, resources_of


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_waf_blocks_the_countries_listed_and_none_when_the_list_is_empty(synth: Synth, env: str) -> None:
    """Given geoBlockCountries (prod synthesized with two countries; dev and staging with none)
    When the Edge stack's web ACL is synthesized
    Then prod blocks requests from exactly those countries, after the managed rules and the rate limit, and the
    other environments have no geo rule at all."""
    (acl,) = resources_of(synth.stack(env, EDGE_STACK), "AWS::WAFv2::WebACL").values()
    rules = {r["Name"]: r for r in acl["Properties"]["Rules"]}
    if env != "prod":
        assert GEO_BLOCK_RULE not in rules
        return
    geo = rules[GEO_BLOCK_RULE]
    assert geo["Statement"] == {"GeoMatchStatement": {"CountryCodes": sorted(EXAMPLE_GEO_BLOCK)}}
    assert geo["Action"] == {"Block": {}}
    assert geo["Priority"] == max(r["Priority"] for r in rules.values())
    assert len({r["Priority"] for r in rules.values()}) == len(rules)


def test_country_codes_must_be_iso_alpha_2() -> None:
    """Given a geoBlockCountries entry that is a country name, not a code
    When cdk.json is read
    Then the synth stops naming the bad value."""
    context = default_context()
    context["environments"]["dev"] = {**context["environments"]["dev"], "geoBlockCountries": ["Narnia"]}
    with pytest.raises(ValueError, match=r"geoBlockCountries|geo_block_countries"):
        load_app_config(context)


def test_the_websocket_api_name_is_api_dot_the_domain_unless_turned_off() -> None:
    """Given a custom domain
    Then the WebSocket API is reached at api.<domain> by default, at another label when apiSubdomain names one,
    and at its execute-api URL when apiSubdomain is null."""
    assert CustomDomain.model_validate(EXAMPLE_DOMAIN).websocket_name == f"api.{EXAMPLE_DOMAIN['name']}"
    assert (
        CustomDomain.model_validate({**EXAMPLE_DOMAIN, "apiSubdomain": "ws"}).websocket_name == "ws.chatbot.example.com"
    )
    assert CustomDomain.model_validate({**EXAMPLE_DOMAIN, "apiSubdomain": None}).websocket_name is None


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_staging_and_prod_send_cognito_mail_through_ses_from_email_from(synth: Synth, env: str) -> None:
    """Given emailFrom for staging and prod (dev has none and keeps Cognito's own, ~50 a day, sender)
    When the Auth stack is synthesized
    Then staging and prod's pools send as that address through SES in their own region (the verified identity),
    and dev's pool has no email configuration."""
    (pool,) = resources_of(synth.stack(env, AUTH_STACK), "AWS::Cognito::UserPool").values()
    email = pool["Properties"].get("EmailConfiguration")
    if env not in EXAMPLE_EMAIL_FROM:
        assert email is None
        return
    sender = EXAMPLE_EMAIL_FROM[env]
    region = synth.config(env).region
    assert email["EmailSendingAccount"] == "DEVELOPER"
    assert email["From"] == f"Motivator <{sender}>"
    source = email["SourceArn"]
    rendered = (
        source
        if isinstance(source, str)
        else "".join(p if isinstance(p, str) else "<x>" for p in source["Fn::Join"][1])
    )
    assert rendered.endswith(f":ses:{region}:<x>:identity/{sender}")


def test_staging_and_prod_refuse_to_synthesize_without_a_sender() -> None:
    """Given cdk.json without emailFrom and an alarm address passed
    When staging, prod or all are selected
    Then the synth stops and names emailFrom; dev may omit it; -c emailFrom=… gives every environment one."""
    context = {**default_context(), "alarmEmail": "ops@example.org"}
    for selection in ("staging", "prod", "all"):
        with pytest.raises(MissingEmailFrom, match="emailFrom"):
            load_app_config(context).selected(selection)
    assert load_app_config(context).selected("dev")[0].email_from is None
    with_sender = {**context, "emailFrom": "no-reply@example.org"}
    assert {e.email_from for e in load_app_config(with_sender).selected("all")} == {"no-reply@example.org"}


def test_the_custom_domain_can_come_from_the_command_line_for_the_selected_environment() -> None:
    """Given -c env=prod -c domainName=chatbot.muykol.com -c hostedZoneId=Z…
    When cdk.json is read
    Then prod serves that name (zone muykol.com, the API at api.chatbot.muykol.com) and no other environment does;
    without a hosted zone, or with every environment selected, the synth stops and says what to pass."""
    base = {**default_context(), "env": "prod", "domainName": "chatbot.muykol.com", "hostedZoneId": "Z0123"}
    environments = load_app_config(base).environments
    domain = environments["prod"].domain
    assert domain is not None and (domain.zone_name, domain.hosted_zone_id) == ("muykol.com", "Z0123")
    assert domain.websocket_name == "api.chatbot.muykol.com"
    assert environments["staging"].domain is None and environments["dev"].domain is None
    assert load_app_config({**base, "apiSubdomain": ""}).environments["prod"].domain.websocket_name is None  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="hostedZoneId"):
        load_app_config({**base, "hostedZoneId": ""})
    with pytest.raises(ValueError, match="-c env=<env>"):
        load_app_config({**base, "envs": "all"})
