"""The local API Gateway WebSocket emulator."""
