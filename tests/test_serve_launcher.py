"""The one server launcher (bot.tools.serve) that `make bench` and the tests start servers with."""
from __future__ import annotations

import sys

import pytest

from bot.tools.serve import Server, ServersDidNotStart, build_replicas, server_environment, servers_running
from tests.servers import free_port


def _http_server(tmp_path, name: str) -> Server:
    port = free_port()
    return Server(name, [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"], port, "/",
                  tmp_path / f"{name}.log", cwd=tmp_path)


def test_servers_running_waits_for_every_server_then_stops_them_all(tmp_path):
    servers = [_http_server(tmp_path, "one"), _http_server(tmp_path, "two")]
    with servers_running(servers, server_environment(), timeout=60):
        assert all(s.is_healthy() for s in servers)
    assert all(s.process.poll() is not None for s in servers)


def test_a_server_that_dies_at_start_up_is_named_and_the_others_stopped(tmp_path):
    healthy = _http_server(tmp_path, "healthy")
    dying = Server("serveur fragile", [sys.executable, "-c", "raise SystemExit(3)"], free_port(), "/",
                   tmp_path / "dying.log", cwd=tmp_path)
    with pytest.raises(ServersDidNotStart, match="serveur fragile s'est arrêté au démarrage"):
        with servers_running([healthy, dying], server_environment(), timeout=60):
            pytest.fail("the body runs only when every server answers")
    assert healthy.process.poll() is not None


def test_replicas_get_their_own_ports_files_and_logs(tmp_path):
    ports = iter(range(21000, 21010))
    replicas = build_replicas(2, tmp_path / "model.tar.gz", "jeton", tmp_path, server_environment(), ports)
    assert [(r.url, r.actions.port) for r in replicas] == [("http://127.0.0.1:21000", 21001),
                                                           ("http://127.0.0.1:21002", 21003)]
    assert [r.rasa.log_path.parent.name for r in replicas] == ["logs-0", "logs-1"]
    assert (tmp_path / "endpoints-1.yml").exists() and (tmp_path / "credentials.yml").exists()
    assert "--auth-token" in replicas[0].rasa.command
    (single,) = build_replicas(1, tmp_path / "model.tar.gz", "jeton", tmp_path / "one", server_environment(),
                               iter((22000, 22001)), numbered=False)
    assert single.rasa.log_path == tmp_path / "one" / "logs" / "rasa.log"
