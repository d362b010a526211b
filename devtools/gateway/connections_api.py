"""The @connections management API: POST/GET/DELETE /{stage}/@connections/{id}, answering as boto3 expects.

With the template-driven stack each caller's role policy is checked for `execute-api:ManageConnections` on
`arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/@connections/{id}`, as API Gateway checks it.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from devtools.gateway.events import Api
from devtools.http import LoopbackServer
from devtools.parity.iam import NotAuthenticated, Principals, PrincipalsFile

log = logging.getLogger("devtools.gateway")
_CONNECTION_ID = re.compile(r"^[A-Za-z0-9_\-]{15}=$")
MANAGE_CONNECTIONS = "execute-api:ManageConnections"

_ERRORS = {
    400: "BadRequestException",
    403: "ForbiddenException",
    404: "NotFoundException",
    410: "GoneException",
    413: "PayloadTooLargeException",
}


class Connections(Protocol):
    """What the API manages: the gateway's open connections."""

    api: Api

    def post(self, connection_id: str, data: bytes) -> int: ...

    def describe(self, connection_id: str) -> dict[str, Any] | None: ...

    def disconnect(self, connection_id: str) -> bool: ...

    def connection_count(self) -> int: ...


class ConnectionsServer(LoopbackServer):
    #: Every poster of a 200-chat burst finds a thread waiting for its connection.
    spare_threads = 256

    def __init__(
        self, address: tuple[str, int], connections: Connections, principals: Principals | PrincipalsFile | None
    ) -> None:
        super().__init__(address, ConnectionsApi)
        self.connections = connections
        self.principals = principals

    def serve_in_background(self) -> None:
        threading.Thread(target=self.serve_forever, name="connections-api", daemon=True).start()


class ConnectionsApi(BaseHTTPRequestHandler):
    """One request to the management API."""

    protocol_version = "HTTP/1.1"
    server: ConnectionsServer

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("connections api: " + format, *args)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else b""
        connection_id = self._checked(data)
        if connection_id is None:
            return
        status = self.server.connections.post(connection_id, data)
        messages = {410: "Gone", 413: "Message too long"}
        self._answer(status, {"message": messages[status]} if status in messages else None)

    def do_GET(self) -> None:
        if urlsplit(self.path).path == "/_health":
            self._answer(200, {"status": "ok", "connections": self.server.connections.connection_count()})
            return
        connection_id = self._checked(b"")
        if connection_id is None:
            return
        described = self.server.connections.describe(connection_id)
        self._answer(200, described) if described else self._answer(410, {"message": "Gone"})

    def do_DELETE(self) -> None:
        connection_id = self._checked(b"")
        if connection_id is None:
            return
        if self.server.connections.disconnect(connection_id):
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._answer(410, {"message": "Gone"})

    def _connection_id(self) -> str | None:
        path = urlsplit(self.path).path
        prefix = f"/{self.server.connections.api.stage}"
        if path.startswith(prefix + "/"):
            path = path[len(prefix) :]
        head, _, raw_id = path.partition("/@connections/")
        if head or not raw_id:
            return None
        return unquote(raw_id)

    def _checked(self, body: bytes) -> str | None:
        """The connection ID of an authorized, well-formed request; otherwise the error is answered."""
        if "Authorization" not in self.headers:
            self._answer(403, {"message": "Missing Authentication Token"})
            return None
        connection_id = self._connection_id()
        if connection_id is None:
            self._answer(404, {"message": "Not Found"})
            return None
        if not self._authorized(connection_id, body):
            return None
        if not _CONNECTION_ID.match(connection_id):
            self._answer(400, {"message": "Invalid connectionId: " + connection_id})
            return None
        return connection_id

    def _authorized(self, connection_id: str, body: bytes) -> bool:
        principals = self.server.principals
        if principals is None:
            return True
        try:
            caller = principals.caller(self.command, self.path, self.headers.items(), body)
        except NotAuthenticated as refused:
            self._answer(403, {"message": str(refused)})
            return False
        api = self.server.connections.api
        resource = f"{api.execute_api_arn()}/{self.command}/@connections/{connection_id}"
        if caller.allows(MANAGE_CONNECTIONS, resource):
            return True
        log.warning("refused %s @connections for %s: no %s", self.command, caller.arn, MANAGE_CONNECTIONS)
        self._answer(403, {"message": caller.denial(MANAGE_CONNECTIONS, resource)})
        return False

    def _answer(self, status: int, body: dict[str, Any] | None = None) -> None:
        payload = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        if status in _ERRORS:
            self.send_header("x-amzn-ErrorType", _ERRORS[status])
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
