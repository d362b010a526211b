"""Resends of one message from many sockets: exactly one answer, to every socket, and no token spent twice."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.integration.conftest import extra_gateway
from tests.stackclient import ask, bedrock, collect, open_ws, send_message_frame


@pytest.mark.parametrize("trial", range(8))
async def test_ten_sockets_resending_with_one_token_left_all_get_the_one_answer(
    trial: int, stack: Any, new_user: Any, tmp_path: Any
) -> None:
    # Given a user with a bucket of three that barely refills, two of them already spent
    limits = {"RATE_LIMIT_BURST": "3", "RATE_LIMIT_PER_MINUTE": "0.01"}
    with extra_gateway(stack, tmp_path, env=limits) as endpoints:
        token = new_user()
        ws = await open_ws(endpoints, token)
        for i in range(2):
            assert (await ask(ws, f"A quiet evening, message {i}.")).types[-1] == "done"
        await ws.close()
        bedrock(endpoints, "/_stats/reset", {})
        frame = send_message_frame("I'm grateful that my dad is home from hospital.")
        sockets = [await open_ws(endpoints, token) for _ in range(10)]
        try:
            # When the same sendMessage goes out from ten sockets at once
            await asyncio.gather(*(s.send(frame) for s in sockets))
            answers = await asyncio.gather(*(collect(s, until={"done", "error"}, timeout=30) for s in sockets))
            # And the user then sends one more new message
            await sockets[0].send(send_message_frame("And one more thing."))
            after = await collect(sockets[0], until={"done", "error"})
        finally:
            for s in sockets:
                await s.close()
    # Then the model was called once, and every socket got that one answer, whole
    assert bedrock(endpoints, "/_stats")["calls"] == 1
    assert all(a.types[-1] == "done" for a in answers), [a.types for a in answers]
    assert len({a.of("ack")[0]["messageId"] for a in answers}) == 1
    assert len({a.text for a in answers}) == 1 and answers[0].text
    # And the duplicates spent nothing: the one token left paid for the one answer, so the next is refused
    assert after.of("error")[0]["code"] == "rate_limited"
