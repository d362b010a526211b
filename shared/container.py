"""The dependencies of this container, built once on first use and shared by every invocation."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from shared import aws, coldstart
from shared.connections import ConnectionRepository
from shared.settings import Settings, get_settings
from shared.sinks import ConnectionPoster

if TYPE_CHECKING:
    from shared.account import Accounts
    from shared.auth import TokenVerifier
    from shared.conversations import ConversationRepository
    from shared.idempotency import IdempotencyStore
    from shared.profiles import ProfileRepository
    from shared.saved_verses import SavedVerseRepository
    from shared.shares import ShareRepository
    from shared.turn.follow import Follower
    from shared.turn.pipeline import TurnService


class Container:
    """Lazily built collaborators, so a handler only pays for what its route uses."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def connections(self) -> ConnectionRepository:
        return ConnectionRepository(aws.dynamodb(self.settings).Table(self.settings.connections_table))

    @cached_property
    def verifier(self) -> TokenVerifier:
        # Only the authorizer verifies tokens: the other routes skip jwt and cryptography at cold start.
        from shared.auth import JwksCache, TokenVerifier

        jwks = JwksCache(self.settings.jwks_location)
        return TokenVerifier(self.settings.cognito_issuer, self.settings.cognito_client_id, jwks)

    @cached_property
    def conversations(self) -> ConversationRepository:
        from shared.conversations import ConversationRepository

        return ConversationRepository(
            aws.dynamodb(self.settings).Table(self.settings.conversations_table),
            self.settings.conversation_retention_days,
        )

    @cached_property
    def profiles(self) -> ProfileRepository:
        from shared.profiles import ProfileRepository

        return ProfileRepository(aws.dynamodb(self.settings).Table(self.settings.conversations_table))

    @cached_property
    def accounts(self) -> Accounts:
        from shared.account import Accounts, AccountTables

        settings, dynamodb = self.settings, aws.dynamodb(self.settings)
        tables = AccountTables(
            conversations=dynamodb.Table(settings.conversations_table),
            connections=dynamodb.Table(settings.connections_table),
            rate_limits=dynamodb.Table(settings.rate_limit_table),
            idempotency=dynamodb.Table(settings.idempotency_table),
        )
        return Accounts(self.conversations, tables, aws.cognito_idp(settings), settings.cognito_user_pool_id)

    @cached_property
    def saved_verses(self) -> SavedVerseRepository:
        from shared.saved_verses import SavedVerseRepository

        return SavedVerseRepository(aws.dynamodb(self.settings).Table(self.settings.conversations_table))

    @cached_property
    def shares(self) -> ShareRepository:
        from shared.shares import ShareRepository

        return ShareRepository(aws.dynamodb(self.settings).Table(self.settings.conversations_table))

    @cached_property
    def idempotency(self) -> IdempotencyStore:
        from shared.idempotency import IdempotencyStore

        return IdempotencyStore(aws.dynamodb(self.settings).Table(self.settings.idempotency_table))

    @cached_property
    def follower(self) -> Follower:
        from shared.turn.follow import Follower

        return Follower(self.conversations, self.idempotency)

    @cached_property
    def turns(self) -> TurnService:
        # Imported here so routes that never answer (authorizer, connect, ping, resume) skip the engine at cold start.
        from concurrent.futures import ThreadPoolExecutor

        from shared.admission_gate import AdmissionGate
        from shared.allowance import AllowanceGate, DailyAllowance
        from shared.engine.scripture import get_catalogue
        from shared.model_client import BedrockModel
        from shared.ratelimit import RateLimiter
        from shared.turn.admit import Admission
        from shared.turn.choose import Chooser
        from shared.turn.pipeline import TurnService
        from shared.turn.write import Writer

        settings = self.settings
        dynamodb = aws.dynamodb(settings)
        limiter = RateLimiter(
            dynamodb.Table(settings.rate_limit_table), settings.rate_limit_burst, settings.rate_limit_per_minute
        )
        # Storage calls made side by side; created once per container like the clients they use.
        io = ThreadPoolExecutor(max_workers=8, thread_name_prefix="turn-io")
        # The key and the burst token in one transaction, today's allowance spent beside it (shared.allowance).
        daily = DailyAllowance(dynamodb.Table(settings.rate_limit_table), settings.daily_message_allowance)
        gate = AllowanceGate(AdmissionGate(self.idempotency, limiter, dynamodb.meta.client), limiter, daily, io)
        chooser = Chooser(get_catalogue(), settings.context_turns)
        model = BedrockModel(aws.bedrock_runtime(settings), settings)
        return TurnService(
            admission=Admission(self.conversations, self.idempotency, gate, gate, io, self.profiles),
            chooser=chooser,
            writer=Writer(model, chooser, settings.model_first_token_budget_s),
            follower=self.follower,
            conversations=self.conversations,
            context_turns=settings.context_turns,
        )

    def poster(self, connection_id: str) -> ConnectionPoster:
        return ConnectionPoster(aws.management_api(self.settings), connection_id)


_container: Container | None = None


def container() -> Container:
    """This container's collaborators; settings are validated here, at cold start, which ends with it."""
    global _container
    try:
        if _container is None:
            _container = Container(get_settings())
        return _container
    finally:
        coldstart.end()
