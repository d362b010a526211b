"""The REST API for clients that cannot hold a WebSocket (the seed's /api/v1): models, routes, the turn collected."""
