"""Starts every server of the embedded set-up, keeps them up, and stops them all on Ctrl-C.

    python -m bot.tools.serve            # what `make run` calls

Starts the action server (5055), the Rasa server (5005, REST channel, HTTP API) and the
web gateway (8080: chat page and advisers' console), waits until all answer, then prints
where to chat. Configuration comes from the
environment (see README): RASA_AUTH_TOKEN, DATABASE_URL, TRACKER_DB_URL, REDIS_URL,
RABBITMQ_URL, ACTION_SERVER_URL, RASA_PORT, ACTION_PORT, GATEWAY_PORT.
A server that cannot start says why in one line, and this command exits non-zero. A server
that dies later is started again (Supervisor: growing delay, a French line in the log) while
the others keep serving.
"""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping

from bot.core import config
from bot.tools.credentials import write_credentials
from bot.tools.endpoints import write_endpoints

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
    host: str = "127.0.0.1"  # where the health check calls it

    def start(self, env: dict[str, str]) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        env = {**env, **self.env}
        self.process = subprocess.Popen(self.command, cwd=self.cwd, env=env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def is_healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://{self.health_host()}:{self.port}{self.health_path}",
                                        timeout=2) as resp:
                return resp.status < 500
        except Exception:
            return False

    def health_host(self) -> str:
        return "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host

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
                  token: str | None, log_dir: Path, credentials: Path | None = None,
                  rasa_interface: str | None = None, action_interface: str | None = None,
                  action_env: dict | None = None) -> list[Server]:
    """The action server and the Rasa server, in start order.

    `credentials`: the channels file (bot/tools/credentials.py writes it); default credentials.yml.
    Both listen on loopback unless the deployment names an interface (RASA_INTERFACE,
    ACTION_INTERFACE): the public side is the gateway and the signed webhooks, through the
    reverse proxy (docs/nginx-capnum.conf). `action_env`: the environment the action server
    will get (for its token; default os.environ)."""
    from bot.tools.listen import action_address, rasa_address

    # Loopback unless the deployment names the address (RASA_INTERFACE with RASA_AUTH_TOKEN;
    # ACTION_INTERFACE with CAPNUM_ACTION_TOKEN): RefusedAddress before anything starts.
    rasa_interface = rasa_address(rasa_interface, token=token or "")
    action_interface = action_address(action_interface, action_env)
    rasa_command = [
        str(BIN / "rasa"), "run", "--enable-api", "--port", str(rasa_port),
        "--interface", rasa_interface,
        "--model", str(model), "--endpoints", str(endpoints),
        "--credentials", str(credentials or "credentials.yml"),
        "--response-timeout", "30",
    ]
    if token:
        rasa_command += ["--auth-token", token]
    return [
        Server("serveur d'actions", [str(BIN / "python"), "-m", "bot.tools.action_server", "--actions", "actions",
                                     "--port", str(action_port), "--interface", action_interface],
               action_port, "/health", log_dir / "actions.log", host=action_interface),
        Server("serveur Rasa", rasa_command, rasa_port, "/", log_dir / "rasa.log", host=rasa_interface),
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


def server_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment our servers start with: this one, Rasa's telemetry off, the project importable."""
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(config.PROJECT_ROOT),
            **(extra or {})}


@dataclass
class Replica:
    """One action server and the Rasa server that calls it."""
    actions: Server
    rasa: Server
    url: str  # the Rasa server's base URL

    @property
    def servers(self) -> list[Server]:
        return [self.actions, self.rasa]


def build_replicas(count: int, model: Path, token: str | None, work_dir: Path, env: Mapping[str, str],
                   ports: Iterator[int], numbered: bool = True) -> list[Replica]:
    """`count` replicas on loopback (two ports each from `ports`, Rasa's first): the channels file
    work_dir/credentials.yml, then for replica i work_dir/endpoints-{i}.yml and work_dir/logs-{i}/
    (endpoints.yml and logs/ when not `numbered`, for one replica).
    The launcher of `make bench` and of the tests (tests/servers.py, tests/cluster.py)."""
    if not numbered and count != 1:
        raise ValueError("several replicas need numbered files")
    credentials = write_credentials(work_dir / "credentials.yml", env)
    replicas = []
    for i in range(count):
        suffix = f"-{i}" if numbered else ""
        rasa_port, action_port = next(ports), next(ports)
        endpoints = write_endpoints(f"http://127.0.0.1:{action_port}/webhook", work_dir / f"endpoints{suffix}.yml",
                                    env)
        actions, rasa = build_servers(rasa_port, action_port, model, endpoints, token, work_dir / f"logs{suffix}",
                                      credentials)
        replicas.append(Replica(actions, rasa, f"http://127.0.0.1:{rasa_port}"))
    return replicas


class ServersDidNotStart(RuntimeError):
    """A server stopped or stayed silent at start-up; the message says which, and where its log is."""


@contextmanager
def servers_running(servers: list[Server], env: Mapping[str, str], timeout: float = 300) -> Iterator[list[Server]]:
    """Starts the servers in order, waits until every one answers (ServersDidNotStart otherwise),
    and stops them all, last started first, on leaving."""
    try:
        for server in servers:
            server.start(dict(env))
        problem = wait_until_healthy(servers, timeout=timeout)
        if problem:
            raise ServersDidNotStart(problem)
        yield servers
    finally:
        for server in reversed(servers):
            server.stop()


class Supervisor:
    """Keeps the servers up: a server that dies is started again after a growing delay
    (1 s, 2 s, 4 s … up to `max_delay`; back to 1 s once it has stayed up `stable_after`
    seconds), with a French line on the launcher's output and in the server's own log, while
    the others keep serving (the Rasa server answers with its apology when the action server
    is away). Only `stop()` (Ctrl-C) ends them all."""

    def __init__(self, servers: list[Server], env: dict[str, str], *, base_delay: float = 1.0,
                 max_delay: float = 60.0, stable_after: float = 60.0, out=None, clock=time.monotonic):
        self.servers = servers
        self.env = env
        self.base_delay, self.max_delay, self.stable_after = base_delay, max_delay, stable_after
        self.out = out or sys.stderr
        self.clock = clock
        self.stopping = False
        self._delay = {s.name: base_delay for s in servers}
        self._restart_at: dict[str, float] = {}
        self._started_at: dict[str, float] = {}
        self._waiting_health: set[str] = set()
        self.restarts: dict[str, int] = {s.name: 0 for s in servers}

    def say(self, server: Server, line: str) -> None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        print(f"{stamp} {line}", file=self.out, flush=True)
        try:
            with open(server.log_path, "a", encoding="utf-8") as log:
                log.write(f"{stamp} [lanceur] {line}\n")
        except OSError:
            pass

    def start_all(self, timeout: float = 300) -> str | None:
        """Starts every server and waits until all answer; a problem in one line, or None.
        A server that cannot start at all stops everything (nothing to keep up yet)."""
        now = self.clock()
        for server in self.servers:
            server.start(self.env)
            self._started_at[server.name] = now
        problem = wait_until_healthy(self.servers, timeout=timeout, should_stop=lambda: self.stopping)
        if problem:
            self.stop()
        return problem

    def check(self) -> None:
        """One round: notices dead servers, restarts those whose delay has passed."""
        now = self.clock()
        for server in self.servers:
            if self.stopping:
                return
            name = server.name
            if name in self._restart_at:
                if now >= self._restart_at[name]:
                    del self._restart_at[name]
                    self.restarts[name] += 1
                    server.start(self.env)
                    self._started_at[name] = now
                    self._waiting_health.add(name)
                continue
            if server.process is None or server.process.poll() is None:
                if name in self._waiting_health and server.is_healthy():
                    self._waiting_health.discard(name)
                    self.say(server, f"Le {name} a redémarré et répond de nouveau.")
                if now - self._started_at.get(name, now) >= self.stable_after:
                    self._delay[name] = self.base_delay
                continue
            code = server.process.returncode
            delay = self._delay[name]
            self._delay[name] = min(self.max_delay, delay * 2)
            self._restart_at[name] = now + delay
            self._waiting_health.discard(name)
            self.say(server, f"Le {name} s'est arrêté (code {code}) : redémarrage dans {delay:g} s, "
                             f"les autres serveurs continuent. Journal : {server.log_path}.")

    def run(self, interval: float = 0.5) -> None:
        while not self.stopping:
            self.check()
            time.sleep(interval)

    def stop(self) -> None:
        if self.stopping:
            return
        self.stopping = True
        for server in reversed(self.servers):
            server.stop()


def main() -> int:
    from bot.core.logsafe import add_secret, install

    install()
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
    env = server_environment()
    # The action server checks this secret on every call; Rasa sends it (var/endpoints.yml).
    # Generated for this run when the deployment does not set one.
    env.setdefault("CAPNUM_ACTION_TOKEN", secrets.token_urlsafe(32))
    add_secret(env["CAPNUM_ACTION_TOKEN"])
    endpoints = write_endpoints(action_url=os.environ.get("ACTION_SERVER_URL",
                                                          f"http://127.0.0.1:{action_port}/webhook"),
                                environ=env)
    credentials = write_credentials()  # REST, plus each messaging channel whose variables are set
    from bot.tools.listen import RefusedAddress

    try:
        servers = build_servers(rasa_port, action_port, model, endpoints, os.environ.get("RASA_AUTH_TOKEN"),
                                config.VAR_DIR / "logs", credentials, action_env=env)
    except RefusedAddress as exc:
        print(exc, file=sys.stderr)
        return 2
    servers.append(gateway_server(gateway_port, f"http://127.0.0.1:{rasa_port}", config.VAR_DIR / "logs"))

    supervisor = Supervisor(servers, env)

    signalled = []

    def on_signal(*_):
        # Once: make and the terminal may both send the signal. os.write, not print: a signal
        # that lands while a line is being printed must not re-enter the stdout buffer (a
        # RuntimeError and a traceback on Ctrl-C).
        if signalled:
            return
        signalled.append(True)
        os.write(sys.stdout.fileno(), "\nArrêt des serveurs…\n".encode())
        supervisor.stop()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    problem = supervisor.start_all()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    if supervisor.stopping:
        return 0

    print(f"Cap Numérique est prêt.\n"
          f"  Discuter : http://localhost:{gateway_port}/\n"
          f"  Console des conseillers : http://localhost:{gateway_port}/conseiller\n"
          f"  Discuter (canal REST) : POST http://localhost:{rasa_port}/webhooks/rest/webhook "
          f"{{\"sender\": \"moi\", \"message\": \"bonjour\"}}\n"
          f"  Évaluer : python3 ../shared/eval/converse.py ../shared/eval/public_cases.json"
          + (" --token \"$RASA_AUTH_TOKEN\"" if os.environ.get("RASA_AUTH_TOKEN") else "") + "\n"
          f"  Journaux : {config.VAR_DIR / 'logs'}\n"
          f"Un serveur qui s'arrête est relancé. Ctrl-C arrête tout.", flush=True)
    supervisor.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
