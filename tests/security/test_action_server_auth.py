"""The action server answers only Rasa: on loopback by default, and where it listens on another
interface every call must carry the shared secret, checked before anything runs. The attack:
from another address of the machine, run action_delete_data for someone else's sender id."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from sqlalchemy import func, select

from bot.core import config
from bot.services.catalogue.db import ensure_schema, get_engine, session_factory
from tests.servers import free_port

TOKEN = "a-long-shared-secret-for-the-actions"
VICTIM = "telegram:4242424242"


def outside_address() -> str:
    """A non-loopback IPv4 address of this machine (the attacker's side of the test)."""
    address = ""
    try:
        out = subprocess.run(["ip", "-4", "-o", "addr", "show"], capture_output=True, text=True).stdout
        address = next((line.split()[3].split("/")[0] for line in out.splitlines()
                        if " lo " not in line and "inet " in line), "")
    except (OSError, IndexError):
        pass
    if not address or address.startswith("127."):
        pytest.skip("no non-loopback address on this machine")
    return address


def start(tmp_path, env_extra: dict, *args: str):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(config.PROJECT_ROOT), "CAPNUM_VAR_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'catalogue.db'}", **env_extra}
    if "CAPNUM_ACTION_TOKEN" not in env_extra:
        env.pop("CAPNUM_ACTION_TOKEN", None)
    log = open(tmp_path / f"actions-{port}.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "bot.tools.action_server", "--port", str(port), *args],
                               cwd=config.PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError((tmp_path / f"actions-{port}.log").read_text())
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
            return process, port
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise AssertionError("action server did not start")


def call(url: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def delete_call(sender: str) -> dict:
    return {"next_action": "action_delete_data", "sender_id": sender, "version": "3.6.2",
            "tracker": {"sender_id": sender, "slots": {}, "latest_message": {}, "events": [],
                        "paused": False, "followup_action": None, "active_loop": {},
                        "latest_action_name": "action_listen"},
            "domain": {}}


@pytest.fixture
def victim_recap(tmp_path, monkeypatch):
    """A recap code of the victim in the product database; returns a function counting them."""
    monkeypatch.setenv("CAPNUM_SECRET", "secret-shared-by-the-test-and-its-servers")
    from bot.services.people import Recap
    from bot.services.recap import create_recap, sender_key

    engine = ensure_schema(get_engine(f"sqlite:///{tmp_path / 'catalogue.db'}"))
    with session_factory(engine)() as session:
        create_recap(session, VICTIM, {"age": 21, "departement": "93"}, ["A1"])

    def count() -> int:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(Recap.__table__)
                                .where(Recap.__table__.c.sender_hash == sender_key(VICTIM))).scalar_one()
    return count


def test_without_token_the_action_server_listens_on_loopback_only(tmp_path):
    address = outside_address()
    process, port = start(tmp_path, {})
    try:
        with pytest.raises(OSError):
            socket.create_connection((address, port), timeout=3).close()
        assert call(f"http://127.0.0.1:{port}/health")[0] == 200
    finally:
        process.terminate()
        process.wait(30)


def test_it_refuses_another_interface_without_a_token(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(config.PROJECT_ROOT), "CAPNUM_VAR_DIR": str(tmp_path)}
    env.pop("CAPNUM_ACTION_TOKEN", None)
    done = subprocess.run([sys.executable, "-m", "bot.tools.action_server", "--port", str(free_port()),
                           "--interface", "0.0.0.0"], env=env, cwd=config.PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "sans jeton" in done.stderr


def test_an_unauthenticated_call_from_another_address_runs_nothing(tmp_path, victim_recap):
    address = outside_address()
    process, port = start(tmp_path, {"CAPNUM_ACTION_TOKEN": TOKEN, "CAPNUM_SECRET": os.environ["CAPNUM_SECRET"]},
                          "--interface", "0.0.0.0")
    base = f"http://{address}:{port}"
    try:
        assert victim_recap() == 1
        for url in (f"{base}/webhook", f"{base}/webhook?token=wrong-token", f"{base}/webhook?token="):
            status, body = call(url, delete_call(VICTIM))
            assert status == 401 and "jeton" in body["error"]
        assert call(f"{base}/actions")[0] == 401  # not even the list of actions
        assert victim_recap() == 1  # nothing was erased
        log = next(tmp_path.glob("actions-*.log")).read_text()
        assert f"from {address}" in log and TOKEN not in log

        # The same call with the secret is what Rasa sends: it runs (and erases).
        status, body = call(f"{base}/webhook?token={TOKEN}", delete_call(VICTIM))
        assert status == 200, body
        assert victim_recap() == 0
        assert call(f"{base}/health")[0] == 200  # health needs no secret and says nothing
    finally:
        process.terminate()
        process.wait(30)
    assert TOKEN not in next(tmp_path.glob("actions-*.log")).read_text()
