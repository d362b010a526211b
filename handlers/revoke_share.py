"""revoke_share: stop sharing one link."""

from typing import Any

from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import share_routes
from shared.container import container
from shared.event_record import log_inbound_event
from shared.events import MessageEvent
from shared.observability import logger, metrics, tracer

deps = container()


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    log_inbound_event(event)
    return share_routes.revoke_share(parse(event=event, model=MessageEvent), deps, context)
