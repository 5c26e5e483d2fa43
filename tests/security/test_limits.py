"""Limits on the web gateway: one client flooding the chat gets 429s while another keeps its
latency; sign-in is limited per address; the client address behind proxies cannot be forged;
the limits are shared by two gateways through Redis; memory stays bounded."""
from __future__ import annotations

import asyncio
import json
import math
import statistics
import threading
import time
import urllib.parse

import pytest
from aiohttp import web

from bot.gateway import create_app
from bot.services.catalogue.db import ensure_schema, get_engine
from bot.services.ratelimit import TOO_MANY, Deliveries, RateLimiter
from tests.gateway_server import http, post_json, running_fake, running_gateway
from tests.security.test_action_server_auth import outside_address


class CountingRasa:
    """Stands in for Rasa's REST webhook (a few ms per turn) and counts what reaches it."""

    def __init__(self, delay: float = 0.005):
        self.received: list[dict] = []
        self.delay = delay
        self.app = web.Application()
        self.app.router.add_post("/webhooks/rest/webhook", self.webhook)

    async def webhook(self, request):
        body = await request.json()
        self.received.append(body)
        await asyncio.sleep(self.delay)
        return web.json_response([{"recipient_id": body["sender"], "text": "D'accord."}])


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return ensure_schema(get_engine(f"sqlite:///{tmp_path_factory.mktemp('limits') / 'gateway.db'}"))


@pytest.fixture(scope="module")
def rasa():
    with running_fake(CountingRasa()) as fake:
        yield fake


def timed_post(url: str, payload: dict, headers: dict | None = None) -> tuple[int, float, bytes]:
    started = time.perf_counter()
    status, _, body = post_json(url, payload, headers)
    return status, time.perf_counter() - started, body


def test_a_flooding_client_gets_429_while_another_keeps_its_latency(engine, rasa):
    other = outside_address()
    app = create_app(rasa.url, engine, limits={"chat": (60, 60), "login": (20, 900)})
    with running_gateway(app, host="0.0.0.0") as local:
        port = urllib.parse.urlsplit(local).port
        flood_url, calm_url = f"http://127.0.0.1:{port}/api/chat", f"http://{other}:{port}/api/chat"
        baseline = [timed_post(calm_url, {"message": "bonjour"})[1] for _ in range(20)]
        statuses: list[int] = []
        stop = threading.Event()

        def flood():
            while not stop.is_set():
                statuses.append(post_json(flood_url, {"message": "x" * 2000})[0])

        flooders = [threading.Thread(target=flood, daemon=True) for _ in range(8)]
        started = time.monotonic()
        for thread in flooders:
            thread.start()
        time.sleep(0.5)
        during = []
        calm_statuses = []
        for _ in range(30):
            status, elapsed, _ = timed_post(calm_url, {"message": "bonjour"})
            calm_statuses.append(status)
            during.append(elapsed)
            time.sleep(0.05)
        stop.set()
        for thread in flooders:
            thread.join(10)
        seconds = time.monotonic() - started
        refused = statuses.count(429)
        reached = sum(1 for m in rasa.received if m["message"] == "x" * 2000)
        figures = (f"flood: {len(statuses)} requests in {seconds:.1f} s ({len(statuses) / seconds:.0f}/s), "
                   f"{refused} refused (429), {reached} reached Rasa; other client: "
                   f"median {statistics.median(baseline) * 1000:.1f} ms before, "
                   f"{statistics.median(during) * 1000:.1f} ms during, max {max(during) * 1000:.1f} ms")
        print(figures)
        assert calm_statuses == [200] * 30
        # The limiter's sliding window weighs the previous minute by what is left of it: across
        # a minute's boundary it lets through up to limit × seconds / window more (the same
        # figure any sliding window of 60 s would count).
        allowance = 60 + math.ceil(60 * seconds / 60)
        assert reached <= allowance and refused >= len(statuses) - allowance, figures
        assert statistics.median(during) < max(0.25, 5 * statistics.median(baseline)), figures
        status, headers, body = post_json(flood_url, {"message": "encore"})
        assert status == 429 and json.loads(body)["error"] == TOO_MANY and int(headers["Retry-After"]) >= 1


def test_sign_in_is_limited_per_address_before_any_password_check(engine, rasa):
    app = create_app(rasa.url, engine, limits={"chat": (60, 60), "login": (3, 900)})
    with running_gateway(app) as url:
        form = urllib.parse.urlencode({"email": "a@example.fr", "password": "x", "csrf": "t"}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": "capnum_login_csrf=t"}
        statuses = [http("POST", url + "/conseiller/connexion", form, headers)[0] for _ in range(5)]
        assert statuses[3:] == [429, 429] and 429 not in statuses[:3]
        status, _, body = http("POST", url + "/conseiller/connexion", form, headers)
        assert status == 429 and "Trop de messages" in body.decode()


def test_behind_a_proxy_the_client_cannot_choose_its_address(engine, rasa):
    app = create_app(rasa.url, engine, trusted_proxies=1, limits={"chat": (3, 60), "login": (20, 900)})
    with running_gateway(app) as url:
        # The flooder writes a new X-Forwarded-For each time; the proxy appends the real peer
        # (here, as the proxy would: "forged, 198.51.100.7").
        statuses = [post_json(url + "/api/chat", {"message": "x"},
                              {"X-Forwarded-For": f"10.0.0.{i}, 198.51.100.7"})[0] for i in range(6)]
        assert statuses == [200, 200, 200, 429, 429, 429]
        # Another client behind the same proxy is not affected.
        assert post_json(url + "/api/chat", {"message": "x"}, {"X-Forwarded-For": "198.51.100.8"})[0] == 200


def test_limits_and_deliveries_are_shared_through_redis_and_memory_is_bounded():
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        pytest.skip("no Redis on 127.0.0.1:6379")
    namespace = f"test-{time.time_ns()}"

    async def scenario():
        first, second = RateLimiter(namespace, 5, 60, redis_url=url), RateLimiter(namespace, 5, 60, redis_url=url)
        results = [(await (first if i % 2 else second).hit("192.0.2.1"))[0] for i in range(8)]
        a, b = Deliveries(namespace, redis_url=url), Deliveries(namespace, redis_url=url)
        seen = [await a.first_time("update-1"), await b.first_time("update-1"), await b.first_time("update-2")]
        return results, seen

    results, seen = asyncio.run(scenario())
    assert results == [True] * 5 + [False] * 3  # five in all, across the two "replicas"
    assert seen == [True, False, True]
    keys = redis.Redis.from_url(url).keys(f"capnum:*{namespace}*")
    assert keys and not any(b"192.0.2.1" in k or b"update-1" in k for k in keys)  # hashed keys

    async def many():
        limiter, deliveries = RateLimiter("bounded", 5, 60, max_keys=1000, redis_url=None), \
            Deliveries("bounded", max_keys=1000, redis_url=None)
        for i in range(20_000):
            await limiter.hit(f"10.{i // 65536}.{i // 256 % 256}.{i % 256}")
            await deliveries.first_time(str(i))
        return len(limiter), len(deliveries)

    assert asyncio.run(many()) == (1000, 1000)
