"""A tab keeps its Reflex token, and so its state, when the backend that held its socket dies: the next one takes over.

Reflex's RedisTokenManager reads a socket record naming another instance as a duplicate tab and hands the browser a
new token, i.e. an empty state: signed out, the answer on screen gone. A killed instance (a crash, an OOM kill: no
shutdown, so no cleanup) leaves its records for `redis_token_expiration` (an hour). Each instance here subscribes to
a channel of its own while it holds sockets; Redis drops that subscription the moment the process's connection
closes, so `PUBSUB NUMSUB` tells a live owner (a real duplicate tab: Reflex's rule stands) from a dead one (the tab
reconnecting: its record is removed and the token linked here as it was).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import pickle
from collections.abc import AsyncIterator, Awaitable
from typing import TYPE_CHECKING, Any, cast

from reflex.utils import prerequisites
from reflex.utils.tasks import ensure_task
from reflex.utils.token_manager import RedisTokenManager, SocketRecord

if TYPE_CHECKING:
    import reflex as rx

log = logging.getLogger("motivator_web.failover")

#: The channel an instance is subscribed to while it lives (no message is ever published on it).
ALIVE_CHANNEL = "motivator_web_instance_alive_{instance_id}"
_DELETE_IF_UNCHANGED = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"
#: How long linking a socket waits for this instance's own subscription before going on without it.
SUBSCRIBE_WAIT_S = 2.0


class FailoverTokenManager(RedisTokenManager):
    """RedisTokenManager that takes over the tokens of instances that are gone instead of renaming those tabs."""

    def __init__(self, redis: Any) -> None:
        super().__init__(redis)
        self._alive_task: asyncio.Task[None] | None = None
        self._alive = asyncio.Event()

    async def link_token_to_sid(self, token: str, sid: str) -> str | None:
        await self._ensure_alive()
        found = await self._foreign_record(token)
        if found is not None and not await self.instance_alive(found[0].instance_id):
            # Removed only while it is still the dead owner's record: a claim by a live instance in between wins.
            removal = self.redis.eval(_DELETE_IF_UNCHANGED, 1, self._get_redis_key(token), found[1])
            await cast("Awaitable[int]", removal)  # redis-py types its async and sync clients as one
            log.info("tab taken over from a stopped backend", extra={"gone_instance": found[0].instance_id})
        return await super().link_token_to_sid(token, sid)

    async def instance_alive(self, instance_id: str) -> bool:
        if instance_id == self.instance_id:
            return True
        channel = ALIVE_CHANNEL.format(instance_id=instance_id)
        counts = await self.redis.pubsub_numsub(channel)
        return any(count > 0 for _, count in counts)

    async def _foreign_record(self, token: str) -> tuple[SocketRecord, bytes] | None:
        """The token's socket record (and its stored bytes) when another instance holds it, else None."""
        if (local := self.token_to_socket.get(token)) is not None and local.instance_id == self.instance_id:
            return None
        raw = await self.redis.get(self._get_redis_key(token))
        if not raw:
            return None
        record = pickle.loads(raw)  # noqa: S301 - written by Reflex's token manager in our own Redis
        if isinstance(record, SocketRecord) and record.instance_id != self.instance_id:
            return record, raw
        return None

    async def _ensure_alive(self) -> None:
        ensure_task(
            owner=self,
            task_attribute="_alive_task",
            coro_function=self._stay_subscribed,
            suppress_exceptions=[Exception],
        )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._alive.wait(), timeout=SUBSCRIBE_WAIT_S)

    async def _stay_subscribed(self) -> None:
        async with self.redis.pubsub() as pubsub:
            await pubsub.subscribe(ALIVE_CHANNEL.format(instance_id=self.instance_id))
            self._alive.set()
            try:
                async for _ in pubsub.listen():
                    pass
            finally:
                self._alive.clear()

    async def close(self) -> None:
        if self._alive_task is not None and not self._alive_task.done():
            self._alive_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._alive_task
        await super().close()


@contextlib.asynccontextmanager
async def tabs_survive_backend_loss(app: rx.App) -> AsyncIterator[None]:
    """Lifespan task: with Redis, swap Reflex's token manager for the failover one before any socket connects."""
    namespace = app.event_namespace
    if namespace is not None:
        current = namespace._token_manager  # Reflex offers no hook for its token manager
        if isinstance(current, RedisTokenManager) and not isinstance(current, FailoverTokenManager):
            fresh = prerequisites.get_redis()
            if fresh is not None:
                namespace._token_manager = FailoverTokenManager(fresh)
                await current.close()  # nothing connected yet: only its Redis client to close
    yield
