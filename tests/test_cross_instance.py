"""What gateways share through Redis: per-conversation locks and live events."""
import asyncio

import redis.asyncio as aioredis

from bot.events import EventHub
from bot.locks import ConversationLocks


async def test_a_conversation_lock_holds_across_gateways(redis_url):
    first, second = aioredis.from_url(redis_url), aioredis.from_url(redis_url)
    gateway_a, gateway_b = ConversationLocks(first), ConversationLocks(second)
    inside, overlaps = 0, 0

    async def turn(locks):
        nonlocal inside, overlaps
        async with locks.hold("conversation-1"):
            inside += 1
            overlaps += inside > 1
            await asyncio.sleep(0.02)
            inside -= 1

    await asyncio.gather(*(turn(gateway_a if i % 2 else gateway_b) for i in range(20)))
    assert overlaps == 0
    # Other conversations are not held up by it.
    async with gateway_a.hold("conversation-1"):
        assert await asyncio.wait_for(_quick(gateway_b), timeout=2)
    await first.close()
    await second.close()


async def _quick(locks):
    async with locks.hold("conversation-2"):
        return True


async def test_live_events_cross_gateways(redis_url):
    hub_a, hub_b = EventHub(redis_url), EventHub(redis_url)
    await hub_a.start()
    await hub_b.start()
    try:
        async with hub_b.subscribe("staff") as queue:
            await asyncio.sleep(0.2)  # let the pattern subscription settle
            await hub_a.publish("staff", {"type": "case_opened", "case_id": "c1"})
            event = await asyncio.wait_for(queue.get(), timeout=5)
        assert event == {"type": "case_opened", "case_id": "c1"}
    finally:
        await hub_a.stop()
        await hub_b.stop()


async def test_without_redis_events_stay_in_the_process():
    hub = EventHub(None)
    await hub.start()
    async with hub.subscribe("conversation:x") as queue:
        await hub.publish("conversation:x", {"type": "message", "position": 3})
        assert queue.get_nowait() == {"type": "message", "position": 3}
        await hub.publish("conversation:y", {"type": "message", "position": 1})
        assert queue.empty()
    await hub.stop()
