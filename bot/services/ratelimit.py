"""Rate limits and delivery de-duplication, in memory or shared through Redis.

    limiter = RateLimiter("chat", limit=60, window=60)           # 60 hits a minute per key
    allowed, retry_after = await limiter.hit(client_address)
    seen = Deliveries("telegram")                                # 24 h
    if not await seen.first_time(str(update_id)): ...            # a retry: acknowledge only

- Memory: bounded. A limiter keeps at most `max_keys` keys (the least recently used are
  dropped first), a `Deliveries` at most `max_keys` ids (the oldest first). A flood of new
  keys therefore costs a fixed amount of memory.
- Redis (`redis_url`, default REDIS_URL): counters and ids are shared by every replica, with
  expiry set by Redis itself. If Redis cannot be reached the memory backend answers for
  that call (limits then hold per process) and one warning is logged.
- Keys are stored as keyed hashes (bot.services.people.keyed_hash), never as the address, the phone
  number or the platform id itself.
- The window is sliding (the count of the previous fixed window weighted by how much of it
  still overlaps, plus the current one), so a burst across a window boundary is not doubled.
"""
from __future__ import annotations

import asyncio
import logging
import math
import os
import threading
import time
from collections import OrderedDict
from typing import Callable, Optional

log = logging.getLogger(__name__)

DAY = 24 * 3600


def _hashed(namespace: str, key: str) -> str:
    from bot.services.people import keyed_hash

    return keyed_hash(f"ratelimit:{namespace}", key)[:32]


class _RedisHolder:
    """One asyncio Redis client per event loop and URL (Rasa, Sanic and aiohttp each run one)."""

    def __init__(self, url: Optional[str]):
        self.url = url
        self._clients: dict = {}
        self._warned = False
        self._lock = threading.Lock()

    def client(self):
        if not self.url:
            return None
        loop = asyncio.get_running_loop()
        with self._lock:
            client = self._clients.get(id(loop))
            if client is None:
                import redis.asyncio as aioredis

                client = aioredis.from_url(self.url, socket_timeout=0.5, socket_connect_timeout=0.5)
                self._clients[id(loop)] = client
            return client

    def failed(self, error: Exception) -> None:
        if not self._warned:
            log.warning("Redis unreachable for the rate limits (%s): limits hold per process.",
                        type(error).__name__)
            self._warned = True


class RateLimiter:
    def __init__(self, namespace: str, limit: int, window: float, *, max_keys: int = 50_000,
                 redis_url: Optional[str] = "env", clock: Callable[[], float] = time.time):
        self.namespace, self.limit, self.window = namespace, int(limit), float(window)
        self.max_keys = max_keys
        self.clock = clock
        self._counts: "OrderedDict[str, list]" = OrderedDict()  # key -> [window index, current, previous]
        self._lock = threading.Lock()
        self._redis = _RedisHolder(os.environ.get("REDIS_URL") if redis_url == "env" else redis_url)

    def __len__(self) -> int:
        return len(self._counts)

    def _estimate(self, current: int, previous: int, now: float) -> float:
        elapsed = (now % self.window) / self.window
        return previous * (1 - elapsed) + current

    def _retry_after(self, now: float) -> int:
        return max(1, math.ceil(self.window - now % self.window))

    def _hit_memory(self, key: str, now: float) -> tuple[bool, int]:
        index = int(now // self.window)
        with self._lock:
            entry = self._counts.pop(key, None)
            if entry is None or entry[0] < index - 1:
                entry = [index, 0, 0]
            elif entry[0] == index - 1:
                entry = [index, 0, entry[1]]
            self._counts[key] = entry
            while len(self._counts) > self.max_keys:
                self._counts.popitem(last=False)
            if self._estimate(entry[1], entry[2], now) >= self.limit:
                return False, self._retry_after(now)
            entry[1] += 1
            return True, 0

    async def hit(self, key: str) -> tuple[bool, int]:
        """(allowed, seconds to wait). A refused hit is not counted."""
        now = self.clock()
        hashed = _hashed(self.namespace, key)
        client = self._redis.client()
        if client is not None:
            index = int(now // self.window)
            base = f"capnum:rl:{self.namespace}:{hashed}:"
            try:
                current, previous = await client.mget(base + str(index), base + str(index - 1))
                if self._estimate(int(current or 0), int(previous or 0), now) >= self.limit:
                    return False, self._retry_after(now)
                async with client.pipeline(transaction=False) as pipe:
                    pipe.incr(base + str(index))
                    pipe.expire(base + str(index), int(self.window * 2) + 1)
                    await pipe.execute()
                return True, 0
            except Exception as error:  # Redis down: the process's own memory answers
                self._redis.failed(error)
        return self._hit_memory(hashed, now)


class Deliveries:
    """Platform delivery ids already seen (`ttl` seconds, 24 h by default)."""

    def __init__(self, namespace: str, ttl: float = DAY, *, max_keys: int = 200_000,
                 redis_url: Optional[str] = "env", clock: Callable[[], float] = time.time):
        self.namespace, self.ttl, self.max_keys, self.clock = namespace, ttl, max_keys, clock
        self._seen: "OrderedDict[str, float]" = OrderedDict()
        self._lock = threading.Lock()
        self._redis = _RedisHolder(os.environ.get("REDIS_URL") if redis_url == "env" else redis_url)

    def __len__(self) -> int:
        return len(self._seen)

    def _first_time_memory(self, key: str, now: float) -> bool:
        with self._lock:
            while self._seen and next(iter(self._seen.values())) <= now - self.ttl:
                self._seen.popitem(last=False)
            if key in self._seen:
                return False
            self._seen[key] = now
            while len(self._seen) > self.max_keys:
                self._seen.popitem(last=False)
            return True

    async def first_time(self, delivery_id: str) -> bool:
        """True the first time delivery_id is seen within ttl (and records it), else False."""
        hashed = _hashed(self.namespace, delivery_id)
        client = self._redis.client()
        if client is not None:
            try:
                return bool(await client.set(f"capnum:seen:{self.namespace}:{hashed}", b"1",
                                             nx=True, ex=int(self.ttl)))
            except Exception as error:
                self._redis.failed(error)
        return self._first_time_memory(hashed, self.clock())


TOO_MANY = "Trop de messages en peu de temps. Attendez un instant, puis réessayez."
