"""Data stack: one table per shared definition, on demand, recoverable, expiring, protected in prod."""

from __future__ import annotations

import pytest

from cdk.constants import CHAT_API_STACK, DATA_STACK
from shared.settings import Settings
from shared.tables import ALL_TABLES, CONVERSATIONS

from .conftest import ENVIRONMENTS, Synth, resources_of


def _key_schema(partition: tuple[str, str], sort: tuple[str, str] | None) -> list[dict[str, str]]:
    schema = [{"AttributeName": partition[0], "KeyType": "HASH"}]
    if sort:
        schema.append({"AttributeName": sort[0], "KeyType": "RANGE"})
    return schema


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_tables_follow_the_shared_definitions(synth: Synth, env: str) -> None:
    # Given the data stack of an environment
    tables = {
        t["Properties"]["TableName"]: t
        for t in resources_of(synth.stack(env, DATA_STACK), "AWS::DynamoDB::Table").values()
    }
    # Then it holds exactly one table per shared definition
    assert len(tables) == len(ALL_TABLES)
    for definition in ALL_TABLES:
        table = tables[f"Motivator-{env}-Data-{definition.logical_name}"]
        props = table["Properties"]
        # with its keys and indexes, on demand, PITR on and TTL on the defined attribute
        expected = definition.create_table_kwargs("x")
        assert props["KeySchema"] == expected["KeySchema"]
        definitions: list[dict[str, str]] = expected["AttributeDefinitions"]  # type: ignore[assignment]
        assert sorted(props["AttributeDefinitions"], key=lambda a: a["AttributeName"]) == sorted(
            definitions, key=lambda a: a["AttributeName"]
        )
        gsis = {g["IndexName"]: g["KeySchema"] for g in props.get("GlobalSecondaryIndexes", [])}
        assert gsis == {i.name: _key_schema(i.partition_key, i.sort_key) for i in definition.indexes}
        # each index projecting only what its query reads
        projections = {g["IndexName"]: g["Projection"] for g in props.get("GlobalSecondaryIndexes", [])}
        assert projections == {i.name: i.projection for i in definition.indexes}
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        if definition.ttl_attribute:
            assert props["TimeToLiveSpecification"] == {"AttributeName": definition.ttl_attribute, "Enabled": True}
        assert props["SSESpecification"]["SSEEnabled"] is True


@pytest.mark.parametrize(("env", "retained"), [("dev", False), ("staging", False), ("prod", True)])
def test_only_prod_tables_are_protected_and_retained(synth: Synth, env: str, retained: bool) -> None:
    # Given the tables of an environment
    tables = resources_of(synth.stack(env, DATA_STACK), "AWS::DynamoDB::Table").values()
    # Then prod has deletion protection and RETAIN; the others can be torn down
    for table in tables:
        assert table["Properties"].get("DeletionProtectionEnabled", False) is retained
        assert table["DeletionPolicy"] == ("Retain" if retained else "Delete")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_handler_keeps_conversations_as_long_as_the_environment_says(synth: Synth, env: str) -> None:
    """Given an environment's conversationRetentionDays (default: the handlers' own default, 90)
    When its ChatApi stack is synthesized
    Then every handler is told that number of days, and the table deletes items by the attribute they carry."""
    days = synth.config(env).conversation_retention_days
    assert days == Settings.model_fields["conversation_retention_days"].default == 90
    functions = resources_of(synth.stack(env, CHAT_API_STACK), "AWS::Lambda::Function")
    handlers = [f for f in functions.values() if "CONVERSATIONS_TABLE" in f["Properties"]["Environment"]["Variables"]]
    assert handlers
    for function in handlers:
        assert function["Properties"]["Environment"]["Variables"]["CONVERSATION_RETENTION_DAYS"] == str(days)
    tables = resources_of(synth.stack(env, DATA_STACK), "AWS::DynamoDB::Table").values()
    conversations = next(t for t in tables if t["Properties"]["TableName"].endswith(CONVERSATIONS.logical_name))
    assert conversations["Properties"]["TimeToLiveSpecification"]["AttributeName"] == CONVERSATIONS.ttl_attribute
