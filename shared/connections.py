"""Connection records in DynamoDB and the poster that sends frames to a connection via @connections."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from shared import limits
from shared.metric_names import MetricName
from shared.observability import logger, metrics
from shared.protocol import _ServerFrame
from shared.tables import CONNECTIONS

if TYPE_CHECKING:
    from mypy_boto3_apigatewaymanagementapi import ApiGatewayManagementApiClient
    from mypy_boto3_dynamodb.service_resource import Table


class ConnectionGone(Exception):
    """The client has gone away; stop posting to this connection."""


class StorageError(Exception):
    """DynamoDB could not be reached or refused the request."""


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
        try:
            self._table.put_item(Item=item)
        except (ClientError, BotoCoreError) as exc:
            raise StorageError("could not save connection") from exc

    def get(self, connection_id: str) -> ConnectionRecord | None:
        try:
            item = self._table.get_item(Key={self._key: connection_id}).get("Item")
        except (ClientError, BotoCoreError) as exc:
            raise StorageError("could not read connection") from exc
        if not item:
            return None
        return ConnectionRecord(connection_id, str(item["userId"]), int(item.get("connectedAt", 0)))  # type: ignore[arg-type]

    def delete(self, connection_id: str) -> None:
        try:
            self._table.delete_item(Key={self._key: connection_id})
        except (ClientError, BotoCoreError) as exc:
            raise StorageError("could not delete connection") from exc


class FrameSink(Protocol):
    def send(self, frame: _ServerFrame) -> None: ...


class ConnectionPoster:
    """Posts server frames to one connection; raises ConnectionGone once the client is gone."""

    def __init__(self, client: ApiGatewayManagementApiClient, connection_id: str) -> None:
        self._client = client
        self.connection_id = connection_id
        self.frames_posted = 0

    def send(self, frame: _ServerFrame) -> None:
        try:
            self._client.post_to_connection(ConnectionId=self.connection_id, Data=frame.to_wire())
        except self._client.exceptions.GoneException as exc:
            raise ConnectionGone(self.connection_id) from exc
        self.frames_posted += 1
        metrics.add_metric(name=MetricName.FRAMES_POSTED, unit="Count", value=1)


def handle_gone(connections: ConnectionRepository, connection_id: str, stage: str) -> None:
    """One log line and the record removed when a client vanished mid-answer; never a traceback per token."""
    logger.info("client gone, stopped posting", connection_id=connection_id, stage=stage)
    metrics.add_metric(name=MetricName.CLIENT_GONE, unit="Count", value=1)
    try:
        connections.delete(connection_id)
    except StorageError:
        logger.warning("could not remove gone connection", connection_id=connection_id)
