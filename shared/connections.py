"""Connection records in DynamoDB: who is on which connection, and cleaning up after a client that left."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shared import limits
from shared.metric_names import MetricName
from shared.observability import logger, metrics
from shared.storage import StorageError, call
from shared.tables import CONNECTIONS

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


@dataclass(frozen=True)
class ConnectionRecord:
    connection_id: str
    user_id: str
    connected_at_ms: int


class ConnectionRepository:
    """Who is on which connection; records expire after API Gateway's maximum connection time."""

    def __init__(self, table: Table) -> None:
        self._table = table
        self._key = CONNECTIONS.partition_key[0]

    def save(self, record: ConnectionRecord) -> None:
        item: dict[str, Any] = {
            self._key: record.connection_id,
            "userId": record.user_id,
            "connectedAt": record.connected_at_ms,
            CONNECTIONS.ttl_attribute or "expiresAt": int(time.time()) + limits.CONNECTION_TTL_S,
        }
        call(self._table.put_item, "saving a connection", Item=item)

    def get(self, connection_id: str) -> ConnectionRecord | None:
        item = call(self._table.get_item, "reading a connection", Key={self._key: connection_id}).get("Item")
        if not item:
            return None
        return ConnectionRecord(connection_id, str(item["userId"]), int(item.get("connectedAt", 0)))

    def delete(self, connection_id: str) -> None:
        call(self._table.delete_item, "deleting a connection", Key={self._key: connection_id})


def handle_gone(connections: ConnectionRepository, connection_id: str, stage: str) -> None:
    """One log line and the record removed when a client vanished mid-answer; never a traceback per token."""
    logger.info("client gone, stopped posting", connection_id=connection_id, stage=stage)
    metrics.add_metric(name=MetricName.CLIENT_GONE, unit="Count", value=1)
    try:
        connections.delete(connection_id)
    except StorageError:
        logger.warning("could not remove gone connection", connection_id=connection_id)
