"""Which handler module serves which WebSocket route: the emulator, replay and CDK all read this table."""

#: routeSelectionExpression of the API.
ROUTE_SELECTION_EXPRESSION = "$request.body.action"

#: The $connect REQUEST authorizer.
AUTHORIZER = "handlers.authorizer"

#: Route key -> handler module (each exposes `handler(event, context)`).
ROUTES: dict[str, str] = {
    "$connect": "handlers.connect",
    "$disconnect": "handlers.disconnect",
    "$default": "handlers.default",
    "sendMessage": "handlers.send_message",
    "ping": "handlers.ping",
    "feedback": "handlers.feedback",
    "history": "handlers.history",
    "resume": "handlers.resume",
    "stop": "handlers.stop",
    "deleteHistory": "handlers.delete_history",
}
