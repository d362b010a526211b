"""REST API (HTTP API v2): chat, feedback, health and the OpenAPI document, for clients without a WebSocket."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.container import container
from shared.observability import logger, metrics, tracer
from shared.rest import app

deps = container()


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context, deps)
