"""The dependencies of this container, built once on first use and shared by every invocation."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from shared import aws
from shared.auth import JwksCache, TokenVerifier
from shared.connections import ConnectionPoster, ConnectionRepository
from shared.settings import Settings, get_settings

if TYPE_CHECKING:
    from shared.chat import ChatService
    from shared.conversations import ConversationRepository
    from shared.turns import TurnService


class Container:
    """Lazily built collaborators, so a handler only pays for what its route uses."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def connections(self) -> ConnectionRepository:
        return ConnectionRepository(aws.dynamodb(self.settings).Table(self.settings.connections_table))

    @cached_property
    def verifier(self) -> TokenVerifier:
        jwks = JwksCache(self.settings.jwks_location)
        return TokenVerifier(self.settings.cognito_issuer, self.settings.cognito_client_id, jwks)

    @cached_property
    def chat(self) -> ChatService:
        # Imported here so routes that never answer (authorizer, connect, ping) skip the engine at cold start.
        from shared.chat import ChatService
        from shared.engine.scripture import get_catalogue
        from shared.model_client import BedrockModel

        model = BedrockModel(aws.bedrock_runtime(self.settings), self.settings)
        return ChatService(model, get_catalogue(), self.settings.model_first_token_budget_s)

    @cached_property
    def conversations(self) -> ConversationRepository:
        from shared.conversations import ConversationRepository

        return ConversationRepository(aws.dynamodb(self.settings).Table(self.settings.conversations_table))

    @cached_property
    def turns(self) -> TurnService:
        from shared.idempotency import IdempotencyStore
        from shared.ratelimit import RateLimiter
        from shared.turns import TurnService

        db = aws.dynamodb(self.settings)
        limiter = RateLimiter(
            db.Table(self.settings.rate_limit_table),
            self.settings.rate_limit_burst,
            self.settings.rate_limit_per_minute,
        )
        idempotency = IdempotencyStore(db.Table(self.settings.idempotency_table))
        return TurnService(self.chat, self.conversations, idempotency, limiter, self.settings.context_turns)

    def poster(self, connection_id: str) -> ConnectionPoster:
        return ConnectionPoster(aws.management_api(self.settings), connection_id)


_container: Container | None = None


def container() -> Container:
    """This container's collaborators; settings are validated here, at cold start."""
    global _container
    if _container is None:
        _container = Container(get_settings())
    return _container
