"""What every page of the gateway shares: its settings, worker threads, the client's address,
rate limits, the Origin check and JSON answers."""
from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
from dataclasses import dataclass, field
from typing import Callable, Optional

from aiohttp import ClientSession, web
from sqlalchemy.engine import Engine

from bot.gateway.pages import escape, page
from bot.services.ratelimit import TOO_MANY

SETTINGS_KEY = web.AppKey("settings", object)


@dataclass
class Settings:
    rasa_url: str
    engine: Optional[Engine]
    session_idle_seconds: float
    secure_cookies: bool
    trust_forwarded: bool
    clock: Callable[[], dt.datetime]
    trusted_proxies: int = 0
    session_max_seconds: float = 12 * 3600
    limits: dict = field(default_factory=dict)  # route name -> bot.services.ratelimit.RateLimiter
    http: Optional[ClientSession] = None
    matching: object = None

    def now(self) -> dt.datetime:
        return self.clock()


def settings_of(request: web.Request) -> Settings:
    return request.app[SETTINGS_KEY]


async def in_thread(func, *args, **kwargs):
    """Database work (and scrypt) off the event loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(func, *args, **kwargs))


def client_address(request: web.Request) -> str:
    """The client's address. Behind `trusted_proxies` reverse proxies (GATEWAY_TRUSTED_PROXIES),
    it is the hop just before them in X-Forwarded-For: each proxy appends the address it
    received from, so the entries left of that one were written by the client and are ignored."""
    proxies = settings_of(request).trusted_proxies
    remote = request.remote or "inconnu"
    if proxies <= 0:
        return remote
    hops = [h.strip() for h in ",".join(request.headers.getall("X-Forwarded-For", [])).split(",") if h.strip()]
    hops.append(remote)
    # hops[-1] is the last proxy (the direct peer); the client is `proxies` hops before it.
    return hops[-(proxies + 1)] if len(hops) > proxies else hops[0]


async def over_limit(request: web.Request, name: str) -> Optional[web.Response]:
    """429 with a short French message when this client address is over the route's limit."""
    limiter = settings_of(request).limits.get(name)
    if limiter is None:
        return None
    allowed, retry_after = await limiter.hit(client_address(request))
    if allowed:
        return None
    if request.path.startswith("/api/"):
        response = json_error(429, TOO_MANY)
    else:
        response = web.Response(text=page("Trop d'essais", f"<h1>Trop d'essais</h1><p>{escape(TOO_MANY)}</p>"),
                                status=429, content_type="text/html")
    response.headers["Retry-After"] = str(retry_after)
    return response


def same_origin(request: web.Request) -> bool:
    """False when the browser says the request comes from another site."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    expected = f"{request.scheme}://{request.host}"
    forwarded_proto = request.headers.get("X-Forwarded-Proto") if settings_of(request).trust_forwarded else None
    allowed = {expected}
    if forwarded_proto:
        allowed.add(f"{forwarded_proto}://{request.host}")
    return origin in allowed


_dumps = functools.partial(json.dumps, ensure_ascii=False)


def json_response(data, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=_dumps)


def json_error(status: int, message: str) -> web.Response:
    return json_response({"error": message}, status=status)
