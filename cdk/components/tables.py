"""The DynamoDB tables, one per shared.tables definition (never retyped here)."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from shared.tables import ALL_TABLES, TableDefinition

_TYPES = {
    "S": dynamodb.AttributeType.STRING,
    "N": dynamodb.AttributeType.NUMBER,
    "B": dynamodb.AttributeType.BINARY,
}


def _attribute(key: tuple[str, str] | None) -> dynamodb.Attribute | None:
    return dynamodb.Attribute(name=key[0], type=_TYPES[key[1]]) if key else None


def table_name(name_prefix: str, definition: TableDefinition) -> str:
    return f"{name_prefix}-{definition.logical_name}"


class MotivatorTables(Construct):
    """On-demand tables with point-in-time recovery and TTL; deletion protection and RETAIN when retained."""

    def __init__(self, scope: Construct, construct_id: str, *, name_prefix: str, retain: bool) -> None:
        super().__init__(scope, construct_id)
        self.name_prefix = name_prefix
        self.tables: dict[str, dynamodb.Table] = {}
        self.definitions: dict[str, TableDefinition] = {}
        for definition in ALL_TABLES:
            table = dynamodb.Table(
                self,
                definition.logical_name,
                # Named, so other stacks build exact ARNs (table/<name>/index/*) without cross-stack tokens.
                table_name=table_name(name_prefix, definition),
                partition_key=_attribute(definition.partition_key),
                sort_key=_attribute(definition.sort_key),
                billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
                point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                    point_in_time_recovery_enabled=True
                ),
                time_to_live_attribute=definition.ttl_attribute,
                encryption=dynamodb.TableEncryption.AWS_MANAGED,
                deletion_protection=retain,
                removal_policy=RemovalPolicy.RETAIN if retain else RemovalPolicy.DESTROY,
            )
            for index in definition.indexes:
                table.add_global_secondary_index(
                    index_name=index.name,
                    partition_key=_attribute(index.partition_key),
                    sort_key=_attribute(index.sort_key),
                    projection_type=(
                        dynamodb.ProjectionType.ALL if index.include is None else dynamodb.ProjectionType.INCLUDE
                    ),
                    non_key_attributes=list(index.include) if index.include else None,
                )
            self.tables[definition.logical_name] = table
            self.definitions[definition.logical_name] = definition
