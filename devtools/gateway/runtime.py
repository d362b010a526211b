"""The Lambda runtime inside one sandbox: imports the function's handler once (its cold start), then runs the
invocations the gateway sends over the socket it was given, one at a time, each with a fresh context.

Started by devtools.gateway.sandbox as `python -m devtools.gateway.runtime <fd>`; its environment is the function's.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import sys
import traceback
from multiprocessing.connection import Connection
from typing import Any

from devtools.gateway import lines
from devtools.gateway.lambda_context import LambdaContext


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    conn = Connection(int(args[0]))
    lines.install()
    name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
    # Lambda's root logger is at WARNING: boto3's INFO lines do not reach the function's log.
    logging.basicConfig(level=logging.WARNING, format=f"%(asctime)s {name} %(levelname)s %(message)s")
    try:
        module, _, attribute = os.environ["_HANDLER"].rpartition(".")
        handler = getattr(importlib.import_module(module), attribute)
    except Exception as exc:
        traceback.print_exc()
        conn.send_bytes(json.dumps({"initError": f"{type(exc).__name__}: {exc}"}).encode())
        return 1
    conn.send_bytes(b'{"ready": true}')
    while True:
        try:
            request = json.loads(conn.recv_bytes())
        except EOFError:
            return 0
        conn.send_bytes(_invoke(handler, name, request))


def _invoke(handler: Any, name: str, request: dict[str, Any]) -> bytes:
    context = LambdaContext(
        function_name=name,
        timeout_s=request["timeoutS"],
        memory_limit_in_mb=int(os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]),
        region=os.environ.get("AWS_REGION", "local"),
    )
    try:
        result = handler(request["event"], context)
    except Exception as exc:
        # As Lambda's Python runtime reports it in the function's log.
        sys.stderr.write(f"[ERROR] {type(exc).__name__}: {exc}\n{traceback.format_exc()}")
        return json.dumps({"errorType": type(exc).__name__, "errorMessage": str(exc)}).encode()
    try:
        return json.dumps({"result": result}).encode()
    except (TypeError, ValueError) as exc:
        return json.dumps({"errorType": "Runtime.MarshalError", "errorMessage": f"Unable to marshal: {exc}"}).encode()


if __name__ == "__main__":
    sys.exit(main())
