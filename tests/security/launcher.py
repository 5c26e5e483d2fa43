"""`python -m bot.tools.serve` (what `make run` calls) on free loopback ports, for the security tests."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest

from bot.core import config
from bot.tools.serve import latest_model, server_environment
from tests.servers import Assistant, free_port, seed_catalogue

TOKEN = "launcher-test-token-0123456789"


@dataclass
class Launched:
    process: subprocess.Popen
    assistant: Assistant
    gateway_url: str
    work_dir: Path
    env: dict
    output: list = field(default_factory=list)

    def text(self) -> str:
        return "".join(self.output)

    def children(self) -> dict[int, str]:
        """pid -> command line of the launcher's child processes."""
        found = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                if ppid == self.process.pid:
                    found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, ValueError, IndexError):
                continue
        return found

    def child(self, needle: str) -> int:
        for pid, cmd in self.children().items():
            if needle in cmd:
                return pid
        raise AssertionError(f"no child running {needle}: {self.children()}")

    def wait_for(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.text():
                return
            if self.process.poll() is not None:
                raise AssertionError(f"launcher exited ({self.process.returncode}):\n{self.text()}")
            time.sleep(0.2)
        raise AssertionError(f"{text!r} not seen in {timeout} s:\n{self.text()}")


@contextmanager
def launched(work_dir: Path, extra_env: dict | None = None) -> Iterator[Launched]:
    if latest_model() is None:
        pytest.fail("No trained model in models/: run `make test` (it trains first).")
    rasa_port, action_port, gateway_port = free_port(), free_port(), free_port()
    env = server_environment({
        "CAPNUM_VAR_DIR": str(work_dir), "DATABASE_URL": f"sqlite:///{work_dir / 'catalogue.db'}",
        "TRACKER_DB_URL": f"sqlite:///{work_dir / 'conversations.db'}",
        "RASA_PORT": str(rasa_port), "ACTION_PORT": str(action_port), "GATEWAY_PORT": str(gateway_port),
        "RASA_AUTH_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1", **(extra_env or {})})
    for name in ("CAPNUM_ACTION_TOKEN", "ACTION_SERVER_URL", "REDIS_URL", "RABBITMQ_URL"):
        if name not in (extra_env or {}):
            env.pop(name, None)
    seed_catalogue(env)
    process = subprocess.Popen([sys.executable, "-m", "bot.tools.serve"], cwd=config.PROJECT_ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    run = Launched(process, Assistant(f"http://127.0.0.1:{rasa_port}", TOKEN),
                   f"http://127.0.0.1:{gateway_port}", work_dir, env)

    def pump() -> None:
        for line in process.stdout:
            run.output.append(line)

    threading.Thread(target=pump, daemon=True).start()
    try:
        run.wait_for("Cap Numérique est prêt", timeout=400)
        yield run
    finally:
        if process.poll() is None:
            process.send_signal(2)  # Ctrl-C
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
