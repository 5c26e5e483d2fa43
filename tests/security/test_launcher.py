"""The launcher keeps the assistant up: the action server killed (as a crash would) while a
conversation goes on is started again; meanwhile the person gets the apology, afterwards the
conversation continues where it was."""
from __future__ import annotations

import os
import signal
import time

import pytest

from bot.core.replies import ACTION_SERVER_APOLOGY
from tests.security.launcher import launched
from tests.servers import BOBIGNY_ANSWERS


def texts(reply):
    return " ".join(m.get("text") or "" for m in reply)


def test_action_server_killed_under_the_launcher_is_restarted(tmp_path):
    with launched(tmp_path) as run:
        sender = "launcher-person"
        assert run.assistant.say(sender, "bonjour")
        reply = run.assistant.say(sender, BOBIGNY_ANSWERS["age"])
        assert ACTION_SERVER_APOLOGY not in texts(reply)
        assert run.assistant.slots(sender)["age"] == 21
        rasa_pid = run.child("rasa run")

        os.kill(run.child("bot.tools.action_server"), signal.SIGKILL)
        # The person is told, within the usual few seconds, and nothing they said is lost.
        started = time.monotonic()
        reply = run.assistant.say(sender, BOBIGNY_ANSWERS["departement"])
        assert time.monotonic() - started < 6
        assert ACTION_SERVER_APOLOGY in texts(reply), reply
        run.wait_for("Le serveur d'actions s'est arrêté (code -9) : redémarrage dans 1 s", timeout=10)
        run.wait_for("Le serveur d'actions a redémarré et répond de nouveau.", timeout=120)
        assert "Arrêt des serveurs" not in run.text()
        assert run.process.poll() is None
        assert run.child("rasa run") == rasa_pid  # the Rasa server kept serving

        reply = run.assistant.say(sender, BOBIGNY_ANSWERS["departement"])
        assert ACTION_SERVER_APOLOGY not in texts(reply), reply
        slots = run.assistant.slots(sender)
        assert slots["age"] == 21 and slots["departement"] == "93", slots
        # The line is in the server's own log too.
        assert "[lanceur] Le serveur d'actions s'est arrêté" in (tmp_path / "logs" / "actions.log").read_text()

        # Stopped by two signals in a row (make and the terminal both send one): one goodbye
        # line, every server stopped, no traceback.
        run.process.send_signal(signal.SIGTERM)
        run.process.send_signal(signal.SIGINT)
        assert run.process.wait(timeout=60) == 0
        deadline = time.monotonic() + 10  # the output is read by a thread: until its end
        while "Arrêt des serveurs" not in run.text() and time.monotonic() < deadline:
            time.sleep(0.1)
        output = run.text()
        assert output.count("Arrêt des serveurs") == 1 and "Traceback" not in output, output
        with pytest.raises(ProcessLookupError):
            os.kill(rasa_pid, 0)


# -- the supervisor alone, on the real action server and gateway (no model needed) ---------

import socket
import threading
import urllib.request

from bot.tools.serve import BIN, Server, Supervisor, gateway_server
from tests.servers import free_port


def _action_server(port: int, log_dir) -> Server:
    return Server("serveur d'actions", [str(BIN / "python"), "-m", "bot.tools.action_server",
                                        "--actions", "tests.security.sample_actions", "--port", str(port)], port, "/health", log_dir / "actions.log")


def _env(tmp_path) -> dict:
    return {**os.environ, "PYTHONPATH": os.getcwd(), "CAPNUM_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'catalogue.db'}"}


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except Exception:
        return 0


def test_supervisor_restarts_a_dead_server_with_a_growing_delay_while_the_others_serve(tmp_path):
    from io import StringIO

    action_port, gateway_port = free_port(), free_port()
    servers = [_action_server(action_port, tmp_path / "logs"),
               gateway_server(gateway_port, "http://127.0.0.1:9", tmp_path / "logs")]
    out = StringIO()
    supervisor = Supervisor(servers, _env(tmp_path), base_delay=1, max_delay=4, stable_after=600, out=out)
    assert supervisor.start_all(timeout=120) is None
    loop = threading.Thread(target=supervisor.run, kwargs={"interval": 0.2}, daemon=True)
    loop.start()
    try:
        gateway_pid = servers[1].process.pid
        for expected_delay in ("1", "2", "4", "4"):
            killed = servers[0].process.pid
            os.killpg(killed, signal.SIGKILL)
            # The gateway keeps serving while the action server is away.
            assert _status(f"http://127.0.0.1:{gateway_port}/healthz") == 200
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and not (
                    servers[0].process.pid != killed and _status(f"http://127.0.0.1:{action_port}/health") == 200
                    and "répond de nouveau" in out.getvalue().rsplit("s'est arrêté", 1)[-1]):
                time.sleep(0.2)
            last_stop = [line for line in out.getvalue().splitlines() if "s'est arrêté" in line][-1]
            assert f"redémarrage dans {expected_delay} s, les autres serveurs continuent" in last_stop
            assert _status(f"http://127.0.0.1:{action_port}/health") == 200, out.getvalue()
        assert supervisor.restarts["serveur d'actions"] == 4
        assert servers[1].process.pid == gateway_pid and servers[1].process.poll() is None
        log = out.getvalue()
        assert log.count("Le serveur d'actions s'est arrêté (code -9)") == 4
        assert [d for d in ("1", "2", "4") if f"redémarrage dans {d} s" in log] == ["1", "2", "4"]
    finally:
        supervisor.stop()
        loop.join(10)
    assert all(s.process.poll() is not None for s in servers)


def test_a_server_that_cannot_start_at_all_stops_everything(tmp_path):
    action_port, busy_port = free_port(), free_port()
    holder = socket.socket()
    holder.bind(("127.0.0.1", busy_port))
    holder.listen()
    try:
        servers = [_action_server(action_port, tmp_path / "logs"),
                   gateway_server(busy_port, "http://127.0.0.1:9", tmp_path / "logs")]
        servers[1].health_path = "/nothing-answers-here"
        supervisor = Supervisor(servers, _env(tmp_path))
        problem = supervisor.start_all(timeout=120)
        assert problem and "s'est arrêté au démarrage" in problem and "passerelle" in problem
        assert supervisor.stopping
        assert all(s.process.poll() is not None for s in servers)
    finally:
        holder.close()
