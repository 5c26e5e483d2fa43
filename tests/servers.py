"""Starts the real action server and Rasa server on loopback for integration tests."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from bot.core import config
from bot.tools.serve import ServersDidNotStart, build_replicas, latest_model, server_environment, servers_running

TOKEN = "integration-test-token"
# The environment of the servers that several modules share, or that a module warms up on a
# busy test machine: they check what is answered and stored, not how fast. An action call can
# take longer there than the production 3.5 s (the first turns of a cold action server; a CI run
# saw 2 of the scale test's 2,055 turns end with the apology), and the turn would end with the
# apology. The apology itself is tested in test_integration_faults; latency at a fixed offered
# load is `make bench`'s job.
PATIENT_ACTION_CALLS = {"CAPNUM_ACTION_TIMEOUT": "30"}

# One young jobseeker from Bobigny: the profile, and how each question is answered.
BOBIGNY_PROFILE = {"age": 21, "departement": "93", "commune": "Bobigny", "situation": "demandeur_emploi",
                   "niveau": "sans_diplome", "domaine": "developpement_web", "heures_semaine": 20,
                   "equipement": "ordinateur"}
BOBIGNY_ANSWERS = {
    "age": "j'ai vingt et un ans",
    "departement": "j'habite à Bobigny",
    "situation": "je suis au chômage",
    "niveau": "aucun diplôme",
    "domaine": "je voudrais créer des sites internet",
    "heures_semaine": "20 heures par semaine",
    "equipement": "j'ai un ordi portable",
    "creneau": "peu importe",
    "modalite": "peu importe",
    "certification": "peu importe",
    "handicap": "non",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Assistant:
    url: str
    token: str
    work_dir: Path | None = None  # its var/ and catalogue.db (environment_for)

    def call(self, method: str, path: str, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"null")

    def say(self, sender: str, text: str) -> list[dict]:
        return self.call("POST", "/webhooks/rest/webhook", {"sender": sender, "message": text}) or []

    def tracker(self, sender: str) -> dict:
        query = urllib.parse.urlencode({"token": self.token})
        return self.call("GET", f"/conversations/{urllib.parse.quote(sender, safe=':+')}/tracker?{query}")

    def slots(self, sender: str) -> dict:
        return self.tracker(sender)["slots"]


def seed_catalogue(env: dict) -> None:
    subprocess.run([sys.executable, "-m", "bot.tools.catalogue", "seed-demo"], env=env, check=True,
                   cwd=config.PROJECT_ROOT, capture_output=True)
    subprocess.run([sys.executable, "-m", "bot.tools.directory", "seed-demo", "--if-empty"], env=env, check=True,
                   cwd=config.PROJECT_ROOT, capture_output=True)


def free_ports() -> Iterator[int]:
    while True:
        yield free_port()


def environment_for(work_dir: Path, extra_env: dict | None = None) -> dict:
    """Our servers' environment for a test: its own var/ and databases under work_dir, the demo
    catalogue and directory seeded."""
    env = server_environment({"CAPNUM_VAR_DIR": str(work_dir), "DATABASE_URL": f"sqlite:///{work_dir / 'catalogue.db'}",
                              **(extra_env or {})})
    env.setdefault("TRACKER_DB_URL", f"sqlite:///{work_dir / 'conversations.db'}")
    seed_catalogue(env)
    return env


def trained_model() -> Path:
    model = latest_model()
    if model is None:
        pytest.fail("No trained model in models/: run `make test` (it trains first).")
    return model


@contextmanager
def running_assistant(work_dir: Path, extra_env: dict | None = None) -> Iterator[Assistant]:
    model = trained_model()
    # Channels from the same environment: extra_env can switch messaging channels on.
    env = environment_for(work_dir, extra_env)
    (replica,) = build_replicas(1, model, TOKEN, work_dir, env, free_ports(), numbered=False)
    try:
        with servers_running(replica.servers, env, timeout=400):
            yield Assistant(replica.url, TOKEN, work_dir)
    except ServersDidNotStart as exc:
        logs = "\n".join(s.log_path.read_text(errors="replace")[-3000:] for s in replica.servers
                         if s.log_path.exists())
        pytest.fail(f"{exc}\n{logs}")
