"""Run the gateway emulator: `python -m devtools.gateway --port 8765 --management-port 8766`."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from pathlib import Path

from devtools.gateway import lines
from devtools.gateway.server import Gateway, Limits
from devtools.gateway.wiring import JwtAuthorizer, Wiring, default_wiring
from devtools.parity.iam import PrincipalsFile


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devtools.gateway", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="WebSocket port (0 = any free port)")
    parser.add_argument("--management-port", type=int, default=0, help="@connections API port")
    parser.add_argument("--stage", default="local")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--event-log", type=Path, default=None, help="JSON-lines file of events and posts")
    parser.add_argument("--api-id", default=None, help="the API's ID (default: a random one)")
    parser.add_argument(
        "--wiring", type=Path, default=None, help="JSON of the routes' functions (default: shared/route_table.py)"
    )
    parser.add_argument(
        "--principals", type=Path, default=None, help="JSON of each function's role session: enforce their policies"
    )
    parser.add_argument("--http-api-port", type=int, default=None, help="serve the REST API (HTTP API) on this port")
    parser.add_argument("--jwt-issuer", default=None, help="the REST API's JWT authorizer: the tokens' issuer")
    parser.add_argument("--jwt-audience", action="append", default=[], help="… an accepted audience (client id)")
    parser.add_argument("--jwks-url", default=None, help="… where the issuer's signing keys are")
    defaults = Limits()
    parser.add_argument("--idle-timeout", type=float, default=defaults.idle_timeout_s)
    parser.add_argument("--max-duration", type=float, default=defaults.max_duration_s)
    parser.add_argument("--integration-timeout", type=float, default=defaults.integration_timeout_s)
    args = parser.parse_args(argv)
    lines.install()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s gateway %(levelname)s %(message)s")
    limits = Limits(
        idle_timeout_s=args.idle_timeout,
        max_duration_s=args.max_duration,
        integration_timeout_s=args.integration_timeout,
    )
    asyncio.run(_serve(args, limits))


def _wiring(args: argparse.Namespace) -> Wiring | None:
    """The wiring file's, or the route table's with the REST API when its JWT authorizer is configured."""
    if args.wiring:
        return Wiring.load(args.wiring)
    if args.jwt_issuer and args.jwks_url:
        return default_wiring(jwt=JwtAuthorizer(args.jwt_issuer, tuple(args.jwt_audience), args.jwks_url))
    return None


async def _serve(args: argparse.Namespace, limits: Limits) -> None:
    gateway = Gateway(
        host=args.host,
        port=args.port,
        management_port=args.management_port,
        stage=args.stage,
        region=args.region,
        event_log=args.event_log,
        wiring=_wiring(args),
        principals=PrincipalsFile(args.principals) if args.principals else None,
        api_id=args.api_id,
        limits_=limits,
        http_api_port=args.http_api_port,
    )
    await gateway.start()
    ready = {
        "ready": "gateway",
        "ws_url": gateway.ws_url,
        "connections_url": gateway.connections_url,
        "http_api_url": gateway.http_api_url,
    }
    sys.stdout.write(json.dumps(ready) + "\n")
    sys.stdout.flush()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await gateway.stop()


if __name__ == "__main__":
    main()
