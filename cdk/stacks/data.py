"""Data stack: the DynamoDB tables."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from constructs import Construct

from cdk.components.tables import MotivatorTables
from cdk.config import EnvironmentConfig


class DataStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: EnvironmentConfig, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.tables = MotivatorTables(self, "Tables", name_prefix=construct_id, retain=config.retain_data)
