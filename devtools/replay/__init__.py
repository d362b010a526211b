"""Replay: recorded WebSocket events back through the real handlers on the local stack, with a verdict."""
