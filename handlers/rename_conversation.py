"""renameConversation: give one of the person's conversations their own title."""

from typing import Any

from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import routes
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
    return routes.rename_conversation(parse(event=event, model=MessageEvent), deps, context)
