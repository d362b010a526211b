"""Builds a replayable events file from the handlers' Powertools JSON logs in CloudWatch Logs."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from shared.event_record import INBOUND_EVENT_KEY, INBOUND_EVENT_MESSAGE

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
#: Among events of one millisecond, the order API Gateway runs them in.
_ROUTE_ORDER = {"$authorizer": 0, "$connect": 1, "$disconnect": 3}


class CloudWatchImportError(Exception):
    """The logs could not be turned into an events file; the message says why and where."""


def parse_since(text: str) -> int:
    """`90s`, `15m`, `1h`, `2d` -> seconds."""
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"--since {text!r}: use a number and a unit, e.g. 30m, 1h, 2d")
    return int(float(match.group(1)) * _UNITS[match.group(2)])


@dataclass
class ImportSummary:
    log_events: int = 0
    inbound: int = 0
    other_lines: int = 0
    connections: int = 0


def route_of(event: dict[str, Any]) -> str:
    """The authorizer's event is the only one with `type: REQUEST` and a methodArn."""
    if event.get("type") == "REQUEST" and "methodArn" in event:
        return "$authorizer"
    return str(event.get("requestContext", {}).get("routeKey", "$default"))


def fetch(client: Any, log_group: str, start_ms: int, end_ms: int | None = None) -> Iterator[dict[str, Any]]:
    """Every log event of the group in the window, through the filter_log_events paginator."""
    kwargs: dict[str, Any] = {"logGroupName": log_group, "startTime": start_ms}
    if end_ms is not None:
        kwargs["endTime"] = end_ms
    for page in client.get_paginator("filter_log_events").paginate(**kwargs):
        yield from page.get("events", [])


def records_from(
    log_events: Iterable[dict[str, Any]], log_group: str, connection: str | None = None
) -> tuple[list[dict[str, Any]], ImportSummary]:
    """Event records (the gateway log's shape) from the inbound-event lines; other lines are counted."""
    summary = ImportSummary()
    records: list[dict[str, Any]] = []
    for log_event in log_events:
        summary.log_events += 1
        message = str(log_event.get("message", "")).strip()
        where = f"{log_group} stream {log_event.get('logStreamName', '?')} event {log_event.get('eventId', '?')}"
        if INBOUND_EVENT_KEY not in message:
            summary.other_lines += 1  # START/END/REPORT lines, metrics, the handlers' other log lines
            continue
        try:
            line = json.loads(message)
        except ValueError:
            raise CloudWatchImportError(f"{where}: an inbound-event line that is not valid JSON (truncated?)") from None
        if not isinstance(line, dict) or line.get("message") != INBOUND_EVENT_MESSAGE:
            summary.other_lines += 1
            continue
        event = line.get(INBOUND_EVENT_KEY)
        if not isinstance(event, dict) or not isinstance(event.get("requestContext"), dict):
            raise CloudWatchImportError(f"{where}: the inbound event has no requestContext")
        ctx = event["requestContext"]
        cid = ctx.get("connectionId")
        if not cid:
            raise CloudWatchImportError(f"{where}: the inbound event has no connectionId")
        if connection and cid != connection:
            continue
        ts = int(ctx.get("requestTimeEpoch") or log_event.get("timestamp") or 0)
        route = route_of(event)
        records.append(
            {
                "ts": ts,
                "kind": "event",
                "route": route,
                "connectionId": cid,
                "event": event,
                "source": {
                    "logGroup": log_group,
                    "logStream": log_event.get("logStreamName"),
                    "at": log_event.get("timestamp"),
                },
            }
        )
    records.sort(key=lambda r: (r["ts"], _ROUTE_ORDER.get(r["route"], 2)))
    summary.inbound = len(records)
    summary.connections = len({r["connectionId"] for r in records})
    return records, summary


def import_events(
    client: Any, log_group: str, since_s: int, connection: str | None = None, now_ms: int | None = None
) -> tuple[list[dict[str, Any]], ImportSummary]:
    """A session line, then the inbound events of the window, oldest first."""
    end = now_ms if now_ms is not None else int(time.time() * 1000)
    start = end - since_s * 1000
    records, summary = records_from(fetch(client, log_group, start), log_group, connection)
    session = {
        "ts": end,
        "kind": "session",
        "source": "cloudwatch",
        "logGroup": log_group,
        "since": start,
        "connection": connection,
    }
    return [session, *records], summary
