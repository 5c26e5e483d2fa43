"""The Rasa server and the action server listen on loopback unless the deployment names another
address the way the README says (RASA_INTERFACE with RASA_AUTH_TOKEN; CAPNUM_ACTION_TOKEN for the
action server). The attack: start them on the machine's network address, or on every address,
without that; they refuse before anything listens, with a French line, and nothing answers from
outside. With the override, they do listen there (and Rasa's API wants its token)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from bot.core import config
from bot.tools.listen import RefusedAddress, action_address, is_loopback, rasa_address
from bot.tools.serve import build_servers, latest_model
from tests.security.test_action_server_auth import outside_address
from tests.servers import free_port

TOKEN = "guard-test-token-0123456789abcdef"


def environment(tmp_path, **extra) -> dict:
    env = {**os.environ, "PYTHONPATH": str(config.PROJECT_ROOT), "CAPNUM_VAR_DIR": str(tmp_path),
           "RASA_TELEMETRY_ENABLED": "false", "DATABASE_URL": f"sqlite:///{tmp_path / 'catalogue.db'}",
           "TRACKER_DB_URL": f"sqlite:///{tmp_path / 'conversations.db'}"}
    for name in ("RASA_INTERFACE", "ACTION_INTERFACE", "RASA_AUTH_TOKEN", "CAPNUM_ACTION_TOKEN", "RABBITMQ_URL",
                 "REDIS_URL", "ACTION_SERVER_URL"):
        env.pop(name, None)
    env.update(extra)
    return env


def listening(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=2).close()
        return True
    except OSError:
        return False


def run(env: dict, *argv: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *argv], env=env, cwd=config.PROJECT_ROOT, capture_output=True,
                          text=True, timeout=timeout)


# ------------------------------------------------------------------ the rules (bot.tools.listen)

@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("127.0.0.2", True), ("::1", True),
                                            ("localhost", True), ("0.0.0.0", False), ("::", False),
                                            ("10.0.0.11", False), ("", False), ("example.fr", False)])
def test_loopback_addresses(host, loopback):
    assert is_loopback(host) is loopback


def test_rasa_is_on_loopback_unless_rasa_interface_names_the_address_and_a_token_is_set():
    assert rasa_address(None, {}) == "127.0.0.1"
    assert rasa_address("127.0.0.1", {"RASA_INTERFACE": "10.0.0.11"}) == "127.0.0.1"
    for requested, env in ((None, {"RASA_INTERFACE": "10.0.0.11"}),  # no token
                           ("0.0.0.0", {"RASA_AUTH_TOKEN": TOKEN}),  # a command line alone
                           ("0.0.0.0", {"RASA_INTERFACE": "10.0.0.11", "RASA_AUTH_TOKEN": TOKEN}),  # not that one
                           (None, {"RASA_INTERFACE": "0.0.0.0", "RASA_AUTH_TOKEN": "  "})):
        with pytest.raises(RefusedAddress) as refused:
            rasa_address(requested, env)
        assert "refuse d'écouter" in str(refused.value) and "RASA_" in str(refused.value)
    env = {"RASA_INTERFACE": "10.0.0.11", "RASA_AUTH_TOKEN": TOKEN}
    assert rasa_address(None, env) == rasa_address("10.0.0.11", env) == "10.0.0.11"
    with pytest.raises(RefusedAddress):  # the token Rasa is really given counts, not the variable
        rasa_address(None, env, token="")


def test_the_action_server_is_on_loopback_unless_it_has_its_secret():
    assert action_address(None, {}) == "127.0.0.1"
    for env in ({"ACTION_INTERFACE": "0.0.0.0"}, {"ACTION_INTERFACE": "10.0.0.11", "CAPNUM_ACTION_TOKEN": "short"}):
        with pytest.raises(RefusedAddress) as refused:
            action_address(None, env)
        assert "CAPNUM_ACTION_TOKEN" in str(refused.value)
    assert action_address(None, {"ACTION_INTERFACE": "10.0.0.11", "CAPNUM_ACTION_TOKEN": TOKEN}) == "10.0.0.11"


def test_build_servers_refuses_before_anything_starts(tmp_path, monkeypatch):
    monkeypatch.delenv("RASA_INTERFACE", raising=False)
    monkeypatch.delenv("CAPNUM_ACTION_TOKEN", raising=False)
    with pytest.raises(RefusedAddress):
        build_servers(1, 2, tmp_path / "m.tar.gz", tmp_path / "e.yml", TOKEN, tmp_path, rasa_interface="0.0.0.0")
    monkeypatch.setenv("RASA_INTERFACE", "0.0.0.0")
    with pytest.raises(RefusedAddress):
        build_servers(1, 2, tmp_path / "m.tar.gz", tmp_path / "e.yml", None, tmp_path)
    with pytest.raises(RefusedAddress):
        build_servers(1, 2, tmp_path / "m.tar.gz", tmp_path / "e.yml", TOKEN, tmp_path, action_interface="0.0.0.0")
    actions, rasa = build_servers(1, 2, tmp_path / "m.tar.gz", tmp_path / "e.yml", TOKEN, tmp_path)
    assert rasa.command[rasa.command.index("--interface") + 1] == "0.0.0.0"
    assert actions.command[actions.command.index("--interface") + 1] == "127.0.0.1"


# ------------------------------------------------------------------ played against real processes

def test_rasa_refuses_the_network_without_the_override(tmp_path):
    address = outside_address()
    port = free_port()
    cases = [
        (environment(tmp_path), ["--interface", "0.0.0.0"], "RASA_INTERFACE=0.0.0.0"),
        (environment(tmp_path, RASA_AUTH_TOKEN=TOKEN), ["--interface", address], f"RASA_INTERFACE={address}"),
        (environment(tmp_path, RASA_INTERFACE=address), [], "sans RASA_AUTH_TOKEN"),
        (environment(tmp_path, RASA_INTERFACE="0.0.0.0", RASA_AUTH_TOKEN=""), [], "sans RASA_AUTH_TOKEN"),
    ]
    for env, extra, says in cases:
        done = run(env, "bot.tools.rasa_server", "--port", str(port), *extra, timeout=60)
        assert done.returncode == 2, (extra, done.stdout, done.stderr)
        assert "Le serveur Rasa refuse d'écouter" in done.stderr and says in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
        assert not listening(address, port) and not listening("127.0.0.1", port)
    assert not (tmp_path / "endpoints.yml").exists(), "refused before writing anything"


def test_the_launcher_refuses_rasa_on_every_address_without_a_token(tmp_path):
    if latest_model() is None:
        pytest.fail("No trained model in models/: run `make test` (it trains first).")
    ports = {name: str(free_port()) for name in ("RASA_PORT", "ACTION_PORT", "GATEWAY_PORT")}
    done = run(environment(tmp_path, RASA_INTERFACE="0.0.0.0", **ports), "bot.tools.serve", timeout=120)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "sans RASA_AUTH_TOKEN" in done.stderr and "Traceback" not in done.stderr
    for port in ports.values():
        assert not listening("127.0.0.1", int(port))
    assert "Cap Numérique est prêt" not in done.stdout


def test_the_action_server_refuses_the_network_without_its_secret(tmp_path):
    address = outside_address()
    port = free_port()
    for env, extra in ((environment(tmp_path), ["--interface", address]),
                       (environment(tmp_path, ACTION_INTERFACE="0.0.0.0"), []),
                       (environment(tmp_path, ACTION_INTERFACE=address, CAPNUM_ACTION_TOKEN="too-short"), [])):
        done = run(env, "bot.tools.action_server", "--port", str(port), *extra, timeout=120)
        assert done.returncode == 2, (extra, done.stdout, done.stderr)
        assert "Le serveur d'actions refuse d'écouter" in done.stderr or "trop court" in done.stderr, done.stderr
        assert "CAPNUM_ACTION_TOKEN" in done.stderr and "Traceback" not in done.stderr
        assert not listening(address, port) and not listening("127.0.0.1", port)


def _start_rasa(tmp_path, name: str, env: dict, *argv: str):
    work = tmp_path / name
    work.mkdir()
    env = {**env, "CAPNUM_VAR_DIR": str(work), "TRACKER_DB_URL": f"sqlite:///{work / 'conversations.db'}"}
    log = open(work / "rasa.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "bot.tools.rasa_server", *argv], cwd=config.PROJECT_ROOT,
                               env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return process, work / "rasa.log"


def _wait_answering(process, log, host: str, port: int, timeout: float = 400) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(log.read_text(errors="replace")[-3000:])
        try:
            with urllib.request.urlopen(f"http://{host}:{port}/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise AssertionError(f"Rasa not answering on {host}:{port}\n{log.read_text(errors='replace')[-3000:]}")


def _stop(process) -> None:
    import signal

    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(30)


def test_the_rasa_server_command_listens_on_loopback_by_default(tmp_path, monkeypatch):
    """What `python -m bot.tools.rasa_server` (the systemd units) becomes, without an override:
    `rasa run --interface 127.0.0.1`. That Rasa honours --interface is played for real below."""
    from bot.tools import rasa_server

    for name in ("RASA_INTERFACE", "RASA_AUTH_TOKEN", "ACTION_SERVER_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(config, "VAR_DIR", tmp_path)
    became = []
    monkeypatch.setattr(os, "execv", lambda path, argv: became.append(argv))
    (tmp_path / "model.tar.gz").write_bytes(b"")
    rasa_server.main(["--port", "5999", "--model", str(tmp_path / "model.tar.gz")])
    (argv,) = became
    assert argv[argv.index("--interface") + 1] == "127.0.0.1" and "--auth-token" not in argv


@pytest.mark.integration
def test_rasa_listens_on_loopback_by_default_and_on_the_named_address_with_the_override(tmp_path,
                                                                                        shared_assistant):
    """Default: the session's assistant, started the way `make run` starts it, answers nobody
    from the machine's network address. Override: a Rasa server of its own through
    bot.tools.rasa_server, on the named address only, its API behind the token."""
    if latest_model() is None:
        pytest.fail("No trained model in models/: run `make test` (it trains first).")
    address = outside_address()
    default_port = int(shared_assistant.url.rsplit(":", 1)[1])
    assert not listening(address, default_port) and listening("127.0.0.1", default_port)
    named_port = free_port()
    named, named_log = _start_rasa(tmp_path, "named", {**environment(tmp_path), "RASA_INTERFACE": address,
                                                       "RASA_AUTH_TOKEN": TOKEN}, "--port", str(named_port))
    try:
        _wait_answering(named, named_log, address, named_port)
        # Override: the named address only, and the HTTP API wants the token.
        assert not listening("127.0.0.1", named_port)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://{address}:{named_port}/conversations/someone/tracker", timeout=10)
        assert refused.value.code == 401
        url = f"http://{address}:{named_port}/conversations/someone/tracker?token={TOKEN}"
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
    finally:
        _stop(named)
    assert TOKEN not in named_log.read_text(errors="replace")
