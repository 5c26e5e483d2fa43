"""Starts every server of the embedded set-up and stops them all on Ctrl-C.

    python -m bot.serve            # what `make run` calls

Starts the action server (5055), the Rasa server (5005, REST channel, HTTP API) and the
web gateway (8080: chat page and advisers' console), waits until all answer, then prints
where to chat. Configuration comes from the
environment (see README): RASA_AUTH_TOKEN, DATABASE_URL, TRACKER_DB_URL, REDIS_URL,
RABBITMQ_URL, ACTION_SERVER_URL, RASA_PORT, ACTION_PORT, GATEWAY_PORT.
A server that cannot start says why in one line, and this command exits non-zero.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bot import config
from bot.credentials import write_credentials
from bot.endpoints import write_endpoints

BIN = Path(sys.executable).parent


@dataclass
class Server:
    name: str
    command: list[str]
    port: int
    health_path: str
    log_path: Path
    process: subprocess.Popen | None = field(default=None, repr=False)
    env: dict[str, str] = field(default_factory=dict)  # added to the environment given to start()
    cwd: Path = config.PROJECT_ROOT

    def start(self, env: dict[str, str]) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        env = {**env, **self.env}
        self.process = subprocess.Popen(self.command, cwd=self.cwd, env=env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def is_healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{self.health_path}", timeout=2) as resp:
                return resp.status < 500
        except Exception:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def latest_model() -> Path | None:
    models = sorted((config.PROJECT_ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def build_servers(rasa_port: int, action_port: int, model: Path, endpoints: Path,
                  token: str | None, log_dir: Path, credentials: Path | None = None) -> list[Server]:
    """The action server and the Rasa server, in start order.

    `credentials`: the channels file (bot/credentials.py writes it); default credentials.yml."""
    rasa_command = [
        str(BIN / "rasa"), "run", "--enable-api", "--port", str(rasa_port),
        "--model", str(model), "--endpoints", str(endpoints),
        "--credentials", str(credentials or "credentials.yml"),
        "--response-timeout", "30",
    ]
    if token:
        rasa_command += ["--auth-token", token]
    else:
        # No token: the HTTP API must not be reachable from other machines.
        rasa_command += ["--interface", "127.0.0.1"]
    return [
        Server("action server", [str(BIN / "python"), "-m", "rasa_sdk", "--actions", "actions",
                                 "--port", str(action_port)], action_port, "/health", log_dir / "actions.log"),
        Server("Rasa server", rasa_command, rasa_port, "/", log_dir / "rasa.log"),
    ]


def gateway_server(port: int, rasa_url: str, log_dir: Path) -> Server:
    """The web gateway (python -m bot.gateway), in front of the Rasa server at rasa_url."""
    return Server("serveur web (passerelle)", [str(BIN / "python"), "-m", "bot.gateway"], port, "/healthz",
                  log_dir / "gateway.log", env={"GATEWAY_PORT": str(port), "RASA_URL": rasa_url})


def wait_until_healthy(servers: list[Server], timeout: float = 300,
                       should_stop=lambda: False) -> str | None:
    """Waits until every server answers; returns a one-line French problem, or None."""
    deadline = time.monotonic() + timeout
    pending = list(servers)
    while pending and not should_stop():
        for server in list(pending):
            if server.process.poll() is not None:
                return f"Le {server.name} s'est arrêté au démarrage : voir {server.log_path}."
            if server.is_healthy():
                pending.remove(server)
        if pending and time.monotonic() > deadline:
            return f"Le {pending[0].name} ne répond pas après {timeout:.0f} s : voir {pending[0].log_path}."
        time.sleep(0.5)
    return None


def main() -> int:
    rasa_port = int(os.environ.get("RASA_PORT", "5005"))
    action_port = int(os.environ.get("ACTION_PORT", "5055"))
    gateway_port = int(os.environ.get("GATEWAY_PORT", "8080"))
    model = latest_model()
    if model is None:
        print("Aucun modèle entraîné dans models/ : lancez `make run` (il entraîne le modèle).", file=sys.stderr)
        return 1
    for port in (rasa_port, action_port, gateway_port):
        if not port_is_free(port):
            print(f"Le port {port} est déjà utilisé : arrêtez l'autre serveur ou changez "
                  f"RASA_PORT / ACTION_PORT / GATEWAY_PORT.",
                  file=sys.stderr)
            return 1
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(config.PROJECT_ROOT)}
    endpoints = write_endpoints(action_url=os.environ.get("ACTION_SERVER_URL",
                                                          f"http://localhost:{action_port}/webhook"))
    credentials = write_credentials()  # REST, plus each messaging channel whose variables are set
    servers = build_servers(rasa_port, action_port, model, endpoints, os.environ.get("RASA_AUTH_TOKEN"),
                            config.VAR_DIR / "logs", credentials)
    servers.append(gateway_server(gateway_port, f"http://127.0.0.1:{rasa_port}", config.VAR_DIR / "logs"))

    stopping = False

    def stop_all(*_):
        nonlocal stopping
        if stopping:
            return
        stopping = True
        print("\nArrêt des serveurs…", flush=True)
        for server in reversed(servers):
            server.stop()

    signal.signal(signal.SIGINT, stop_all)
    signal.signal(signal.SIGTERM, stop_all)
    for server in servers:
        server.start(env)

    problem = wait_until_healthy(servers, should_stop=lambda: stopping)
    if problem:
        print(problem, file=sys.stderr)
        stop_all()
        return 1
    if stopping:
        return 0

    print(f"Cap Numérique est prêt.\n"
          f"  Discuter : http://localhost:{gateway_port}/\n"
          f"  Console des conseillers : http://localhost:{gateway_port}/conseiller\n"
          f"  Discuter (canal REST) : POST http://localhost:{rasa_port}/webhooks/rest/webhook "
          f"{{\"sender\": \"moi\", \"message\": \"bonjour\"}}\n"
          f"  Évaluer : python3 ../shared/eval/converse.py ../shared/eval/public_cases.json"
          + (" --token \"$RASA_AUTH_TOKEN\"" if os.environ.get("RASA_AUTH_TOKEN") else "") + "\n"
          f"  Journaux : {config.VAR_DIR / 'logs'}\n"
          f"Ctrl-C arrête tout.", flush=True)
    while not stopping:
        for server in servers:
            if server.process.poll() is not None and not stopping:
                print(f"Le {server.name} s'est arrêté : voir {server.log_path}.", file=sys.stderr)
                stop_all()
                return 1
        time.sleep(1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
