"""Runs a gateway application on a free loopback port, in a background thread (tests)."""
from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager
from typing import Iterator

from aiohttp import web

from tests.servers import free_port


@contextmanager
def running_gateway(app: web.Application, host: str = "127.0.0.1") -> Iterator[str]:
    """Serves app on host (127.0.0.1; "0.0.0.0" for every interface) and yields its base URL
    on loopback ("http://127.0.0.1:PORT")."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, access_log=None)
    port = free_port()
    ready = threading.Event()
    failure: list = []

    def serve() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(runner.setup())
            loop.run_until_complete(web.TCPSite(runner, host, port).start())
        except Exception as exc:  # reported to the test below
            failure.append(exc)
            ready.set()
            return
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, name="gateway", daemon=True)
    thread.start()
    ready.wait(60)
    if failure:
        raise failure[0]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        loop.close()


@contextmanager
def running_fake(fake):
    """fake (a stand-in server with an aiohttp `app`, e.g. a fake Rasa) served on loopback, its
    `url` set."""
    with running_gateway(fake.app) as url:
        fake.url = url
        yield fake


def http(method: str, url: str, body: bytes | None = None, headers: dict | None = None):
    """(status, headers, body bytes), without raising on 4xx/5xx and without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def post_json(url: str, payload, headers: dict | None = None):
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return http("POST", url, data, {"Content-Type": "application/json", **(headers or {})})


XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def clone_course(engine, action_id: str, new_id: str, title: str) -> str:
    """Inserts a copy of catalogue action action_id (its formation and sessions too) under
    new_id, with the formation titled title; returns new_id."""
    from sqlalchemy import insert, select

    from bot.services.catalogue.models import Action, Formation, Session

    A, F, S = Action.__table__, Formation.__table__, Session.__table__
    with engine.begin() as conn:
        action = dict(conn.execute(select(A).where(A.c.id == action_id)).mappings().one())
        formation = dict(conn.execute(select(F).where(F.c.id == action["formation_id"])).mappings().one())
        sessions = [dict(r) for r in conn.execute(select(S).where(S.c.action_id == action_id)).mappings()]
        formation.update(id=f"F-{new_id}", intitule=title)
        action.update(id=new_id, formation_id=formation["id"])
        conn.execute(insert(F).values(**formation))
        conn.execute(insert(A).values(**action))
        for i, session in enumerate(sessions):
            session.update(id=f"S-{new_id}-{i}", action_id=new_id)
            conn.execute(insert(S).values(**session))
    return new_id


def remove_course(engine, action_id: str) -> None:
    """Deletes what clone_course inserted: the action, its sessions and its formation."""
    from sqlalchemy import delete, select

    from bot.services.catalogue.models import Action, Formation, Session

    A, F, S = Action.__table__, Formation.__table__, Session.__table__
    with engine.begin() as conn:
        formation_id = conn.execute(select(A.c.formation_id).where(A.c.id == action_id)).scalar_one()
        conn.execute(delete(S).where(S.c.action_id == action_id))
        conn.execute(delete(A).where(A.c.id == action_id))
        conn.execute(delete(F).where(F.c.id == formation_id))
