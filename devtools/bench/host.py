"""The bench's gateway process: the emulator's Gateway, a worker per concurrent chat, and a trace of its AWS calls.

The handlers run in this process as they do in `motivator dev`, with the clients shared/container.py builds; the
only differences are a larger handler pool (the emulator's default of 64 would queue a 200-chat run, where AWS
gives every invocation its own container) and botocore hooks (devtools/bench/trace.py) installed before the
handlers build their clients. A small control API on loopback hands the trace over:

    GET  /trace            every call and token arrival since the last GET (then forgotten)
    POST /trace            {"latency_ms": 20, "enabled": true}: add latency to each AWS round trip, pause tracing
    POST /sizes            {"items": [{"table": ..., "key": ...}]}: the stored size of each item (not traced)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from devtools.bench import trace
from devtools.bench.itemsize import index_entries, item_size


def _sizes(tracer: trace.Tracer, items: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Items as stored, read with a plain client (the handlers' resource client expects Python values): each one's
    size, and the sizes of the index entries an update writing `written` of it writes."""
    import boto3

    from shared.settings import get_settings

    settings = get_settings()
    endpoint = str(settings.dynamodb_endpoint_url) if settings.dynamodb_endpoint_url else None
    client = boto3.client("dynamodb", region_name=settings.aws_region, endpoint_url=endpoint)
    sizes, entries = [], []
    with tracer.quietly():
        for item in items:
            found = client.get_item(TableName=item["table"], Key=item["key"], ConsistentRead=True).get("Item")
            sizes.append(item_size(found) if found else 0)
            table = trace.table_definition(item["table"])
            written = set(item.get("written") or ())
            entries.append(index_entries(found, table, written) if found and table else [])
    return {"sizes": sizes, "index": entries}


def control_api(tracer: trace.Tracer) -> type[BaseHTTPRequestHandler]:
    class Control(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return None

        def _json(self, payload: Any) -> None:
            data = json.dumps(payload).encode()
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._json(tracer.take() if self.path == "/trace" else {"status": "ok"})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            if self.path == "/sizes":
                self._json(_sizes(tracer, body["items"]))
                return
            tracer.latency_s = float(body.get("latency_ms", tracer.latency_s * 1000)) / 1000
            tracer.enabled = bool(body.get("enabled", tracer.enabled))
            self._json({"ok": True})

    return Control


def _invoker(max_workers: int, region: str) -> Any:
    """The emulator's in-process invoker, with a worker per chat, logging each handler failure's traceback."""
    from devtools.gateway.invoke import InProcessInvoker

    class LoggingInvoker(InProcessInvoker):
        def _call(self, function: Any, event: dict[str, Any]) -> Any:
            try:
                return super()._call(function, event)
            except Exception:
                logging.getLogger("devtools.bench.host").exception("handler %s failed", function.name)
                raise

    return LoggingInvoker(max_workers=max_workers, region=region)


async def _serve(args: argparse.Namespace, tracer: trace.Tracer) -> None:
    from devtools.gateway.server import Gateway

    gateway = Gateway(port=args.port, management_port=args.management_port, region=args.region)
    # The emulator's in-process invoker has 64 workers: a 200-chat run would queue where AWS scales out.
    gateway.invoker = _invoker(args.max_workers, args.region)
    await gateway.start()
    control = ThreadingHTTPServer(("127.0.0.1", args.control_port), control_api(tracer))
    control.daemon_threads = True
    threading.Thread(target=control.serve_forever, name="bench-control", daemon=True).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    control.shutdown()
    await gateway.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devtools.bench.host", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--management-port", type=int, required=True)
    parser.add_argument("--control-port", type=int, required=True)
    parser.add_argument("--max-workers", type=int, default=256)
    parser.add_argument("--region", default="us-east-1")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    tracer = trace.Tracer()
    trace.install(tracer)  # before the handlers are imported and build their clients
    asyncio.run(_serve(args, tracer))


if __name__ == "__main__":
    main()
