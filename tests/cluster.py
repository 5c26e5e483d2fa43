"""N Rasa servers + N action servers on loopback, with handles to stop and restart each one
(scale, fault and bad-input tests). Built on tests/servers.py and bot/serve.py."""
from __future__ import annotations

import json
import os
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest

from bot.tools.serve import Server, ServersDidNotStart, build_replicas, servers_running, wait_until_healthy
from tests.postgres_support import NoPostgresBinaries, PostgresCluster, scratch_database
from tests.servers import TOKEN, environment_for, free_port, free_ports, trained_model

REDIS_URL = os.environ.get("CAPNUM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def http(method: str, url: str, body: bytes | None = None, timeout: float = 60):
    """(status, parsed JSON or raw bytes); never raises on 4xx/5xx."""
    request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        return status, raw


@dataclass
class Pair:
    rasa: Server
    actions: Server
    url: str

    def say(self, sender: str, text: str, timeout: float = 60):
        return http("POST", self.url + "/webhooks/rest/webhook",
                    json.dumps({"sender": sender, "message": text}).encode(), timeout)

    def tracker(self, sender: str) -> dict:
        query = urllib.parse.urlencode({"token": TOKEN, "include_events": "ALL"})
        status, body = http("GET", f"{self.url}/conversations/{urllib.parse.quote(sender, safe='')}/tracker?{query}")
        assert status == 200, (status, body)
        return body


@dataclass
class Cluster:
    pairs: list[Pair]
    env: dict
    work_dir: Path
    servers: list[Server] = field(default_factory=list)

    @property
    def urls(self) -> list[str]:
        return [p.url for p in self.pairs]

    def restart(self, server: Server, timeout: float = 400) -> None:
        server.stop()
        server.start(self.env)
        problem = wait_until_healthy([server], timeout=timeout)
        assert problem is None, problem

    def logs(self) -> str:
        return "\n".join(s.log_path.read_text(errors="replace")[-3000:] for s in self.servers if s.log_path.exists())


def redis_available() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        return True
    except Exception:
        return False


@contextmanager
def running_cluster(work_dir: Path, n: int = 1, extra_env: dict | None = None) -> Iterator[Cluster]:
    model = trained_model()
    env = environment_for(work_dir, extra_env)
    replicas = build_replicas(n, model, TOKEN, work_dir, env, free_ports())
    pairs = [Pair(r.rasa, r.actions, r.url) for r in replicas]
    cluster = Cluster(pairs, env, work_dir, [s for r in replicas for s in r.servers])
    try:
        with servers_running(cluster.servers, env, timeout=600):
            yield cluster
    except ServersDidNotStart as exc:
        pytest.fail(f"{exc}\n{cluster.logs()}")


def fresh_postgres_database(server_url: str):
    """A new empty database beside the session's test database (dropped afterwards)."""
    return scratch_database(server_url, f"capnum_load_{secrets.token_hex(4)}")


class StoppableCluster(PostgresCluster):
    """A private PostgreSQL cluster (Debian's binaries) that a test can stop and start again."""

    def __init__(self):
        try:
            super().__init__(free_port(), "capnum-pg-fault-")
        except NoPostgresBinaries:
            pytest.skip("PostgreSQL server binaries missing (/usr/lib/postgresql/*/bin)")


def wait_for(predicate, timeout: float = 30, step: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False
