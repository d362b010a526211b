"""Lambda entry points, one thin module per WebSocket route: parse the event, call shared/, return."""

from shared import coldstart

# Before any handler module imports its dependencies; shared.container.container() ends it (shared/coldstart.py).
coldstart.begin()
