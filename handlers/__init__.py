"""Lambda entry points, one thin module per WebSocket route: parse the event, call shared/, return."""
