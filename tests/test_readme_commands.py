"""Every command block of README.md, pasted into a fresh clone (issue 15): no non-zero exit, no
traceback. Each test works in its own `git clone` of HEAD (`.venv` linked, `../shared` beside it).

- The commands that need no server run in a clone with the input files the README names
  (offres.xml, mcf.csv, catalogue.yml, annuaire.csv) put beside them.
- The commands that talk to running servers (the REST webhook `curl`, the public evaluation
  `converse.py`, the load tool, the console's CSV export) run against the product started as the
  README says, `make run` in the background, in a clone where nothing is retrained nor
  reinstalled (the project's model copied in, newer than its inputs), on free ports
  (RASA_PORT, ACTION_PORT, GATEWAY_PORT: the commands' URLs are rewritten to them), with
  RASA_AUTH_TOKEN set; every server started is stopped at the end, failure or not.
- Not run here, but classified: `make test` and `make bench` start their servers themselves
  (`make test` runs this very test; `make bench` is the performance run of its own), and the
  blocks of a production machine's set-up (`sudo`: PostgreSQL, systemd, nginx), which an
  operator runs as root.

A new block is classified by what marks it, never silently skipped."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from bot.core import config
from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
# A line that needs `make run` (or builds and runs everything itself: make run, make test, make bench).
NEEDS_SERVERS = re.compile(r"^(make (run|test|bench)\b|curl |python3 \.\./shared/eval/converse\.py|"
                           r"\.venv/bin/python -m bot\.tools\.loadtest run)")
# Among those, the targets that start servers of their own (make run is the one the test starts).
OWN_SERVERS = re.compile(r"^make (run|test|bench)\b")
# A block of a production machine's set-up (PostgreSQL, systemd, nginx): run by an operator as root.
DEPLOYMENT = re.compile(r"^sudo ", re.M)
PASSWORD = "un mot de passe assez long"
DEFAULT_PORTS = {"RASA_PORT": 5005, "ACTION_PORT": 5055, "GATEWAY_PORT": 8080}
READY = "Cap Numérique est prêt."


def command_blocks(readme: str) -> list[str]:
    return re.findall(r"^```bash\n(.*?)^```", readme, flags=re.M | re.S)


def commands(block: str) -> list[str]:
    """The block's commands, one a line (a line ending in \\ goes on), comments left out."""
    joined = re.sub(r"\\\n\s*", " ", block)
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def classified() -> dict[str, list[str]]:
    """README commands by where they run: offline (here), servers (against `make run`),
    own_servers (make run, make test, make bench) and deployment (a production machine)."""
    kinds: dict[str, list[str]] = {"offline": [], "servers": [], "own_servers": [], "deployment": []}
    for block in command_blocks((ROOT / "README.md").read_text(encoding="utf-8")):
        for command in commands(block):
            if DEPLOYMENT.search(block):
                kind = "deployment"
            elif OWN_SERVERS.match(command):
                kind = "own_servers"
            else:
                kind = "servers" if NEEDS_SERVERS.match(command) else "offline"
            kinds[kind].append(command)
    return kinds


def offline_commands() -> tuple[list[str], list[str]]:
    """(commands run offline, commands that need servers or a production machine)."""
    kinds = classified()
    return kinds["offline"], kinds["servers"] + kinds["own_servers"] + kinds["deployment"]


# The load tool's lines run this long instead of the README's 30 s: the test checks that the
# line works; how fast the assistant is, is `make bench`'s business.
LOAD_SECONDS = 3


def on_ports(command: str, ports: dict[str, int]) -> str:
    """The command with the default ports of its URLs replaced by the test's, and the load
    tool's duration by LOAD_SECONDS; the evaluation script, which talks to localhost:5005 unless
    told otherwise, is told."""
    by_default = {str(default): str(ports[name]) for name, default in DEFAULT_PORTS.items()}
    command = re.sub(r"\b(localhost|127\.0\.0\.1):(\d+)\b",
                     lambda m: f"{m[1]}:{by_default.get(m[2], m[2])}", command)
    command = re.sub(r"--duration \d+", f"--duration {LOAD_SECONDS}", command)
    if "converse.py" in command and "--url" not in command:
        command += f" --url http://localhost:{ports['RASA_PORT']}"
    return command


def test_every_command_block_is_read():
    kinds = classified()
    run, elsewhere = offline_commands()
    assert any("bot.tools.catalogue import offres.xml" in c for c in run)
    assert any("bot.tools.accounts add" in c for c in run) and any("bot.tools.report --since" in c for c in run)
    assert any(c.startswith("make run") for c in elsewhere) and any(c.startswith("sudo ") for c in elsewhere)
    assert any(c.startswith("curl ") and "webhooks/rest" in c for c in kinds["servers"])
    assert any("converse.py" in c for c in kinds["servers"])
    assert sum("bot.tools.loadtest run" in c for c in kinds["servers"]) == 2
    assert any("region.csv" in c for c in kinds["servers"])
    assert [c.split()[1] for c in kinds["own_servers"]] == ["run", "test", "bench"]
    assert commands("a \\\n  --b  # x\n# only a comment\n\nc\n") == ["a  --b  # x", "c"]
    ports = {"RASA_PORT": 1, "ACTION_PORT": 2, "GATEWAY_PORT": 3}
    assert on_ports("curl -s localhost:5005/x; curl 127.0.0.1:8080/y localhost:6379", ports) == \
        "curl -s localhost:1/x; curl 127.0.0.1:3/y localhost:6379"
    assert on_ports("python3 ../shared/eval/converse.py c.json -v", ports).endswith("--url http://localhost:1")
    assert on_ports("loadtest run --url http://127.0.0.1:5005 --duration 30 --verify", ports) == \
        f"loadtest run --url http://127.0.0.1:1 --duration {LOAD_SECONDS} --verify"


def fresh_clone(tmp_path: Path) -> Path:
    """A `git clone` of HEAD in tmp_path/clone, with the project's .venv linked and ../shared beside it."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, capture_output=True)
    (clone / ".venv").symlink_to((ROOT / ".venv").resolve())
    (tmp_path / "shared").symlink_to(Path(config.SHARED_DIR).resolve())
    return clone


def clean_environment() -> dict[str, str]:
    """The clone's own settings: nothing of this test session's environment."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CAPNUM_", "RASA_", "PYTHON")) and k not in ("DATABASE_URL", "TRACKER_DB_URL",
                                                                                "REDIS_URL", "RABBITMQ_URL")}
    env["PASSWORD"] = PASSWORD
    return env


def run_line(command: str, clone: Path, env: dict[str, str]) -> str | None:
    """Runs one README line in the clone; the failure's report, or None."""
    # No terminal (new session): a password prompt reads its two lines from stdin.
    done = subprocess.run(["bash", "-c", command], cwd=clone, env=env, input=f"{PASSWORD}\n{PASSWORD}\n",
                          capture_output=True, text=True, timeout=600, start_new_session=True)
    if done.returncode != 0 or "Traceback" in done.stdout + done.stderr:
        return f"$ {command}\n(code de sortie {done.returncode})\n{done.stdout[-1500:]}{done.stderr[-1500:]}"
    return None


@pytest.mark.slow
def test_readme_commands_run_in_a_fresh_clone(tmp_path):
    from tests.test_catalogue_import import MCF_HEADER, mcf_row

    clone = fresh_clone(tmp_path)
    shutil.copy(config.LHEO_REFERENCE_DIR / "exemple-lheo-2.2-onisep.xml", clone / "offres.xml")
    (clone / "mcf.csv").write_text(MCF_HEADER + mcf_row(), encoding="utf-8")
    shutil.copy(ROOT / "bot" / "services" / "catalogue" / "demo_catalogue.yml", clone / "catalogue.yml")
    shutil.copy(ROOT / "bot" / "services" / "directory_demo.csv", clone / "annuaire.csv")
    env = clean_environment()
    run, _elsewhere = offline_commands()
    failures = [failure for command in run if (failure := run_line(command, clone, env))]
    assert failures == [], "\n\n".join(failures)


# -- the commands that need `make run` -------------------------------------------------------------

def nothing_to_rebuild(clone: Path, env: dict[str, str]) -> None:
    """Makes `make run` in the clone start what is there: the project's venv taken as installed
    (the clone's requirements files no newer than its stamp: the test never installs into it),
    the generated NLU file made (seconds), then the project's model copied in, newer than every
    training input. Fails if `make -n run` would still install or train."""
    from bot.tools.serve import latest_model

    model = latest_model()
    if model is None:
        pytest.fail("Aucun modèle entraîné dans models/ : lancez `make train` avant ce test.")
    stamp = clone / ".venv" / ".installed"
    if not stamp.exists():
        pytest.fail(f"{stamp} absent : lancez `make install` dans {ROOT} avant ce test.")
    installed = stamp.stat().st_mtime
    for name in ("requirements.txt", "requirements.lock"):
        os.utime(clone / name, (installed - 1, installed - 1))
    made = subprocess.run(["make", "var/nlu/communes.yml"], cwd=clone, env=env, capture_output=True, text=True,
                          timeout=300)
    assert made.returncode == 0, f"make var/nlu/communes.yml a échoué :\n{made.stdout[-2000:]}{made.stderr[-2000:]}"
    (clone / "models").mkdir(exist_ok=True)
    shutil.copy(model, clone / "models" / "capnum.tar.gz")  # copy() gives it the time of now
    plan = subprocess.run(["make", "-n", "run"], cwd=clone, env=env, capture_output=True, text=True, timeout=120)
    for step in ("rasa train", "pip install"):
        assert step not in plan.stdout, f"`make run` referait « {step} » dans le clone :\n{plan.stdout}"


def descendants(pid: int) -> set[int]:
    """Every process below pid (from /proc), whatever session or group it moved to."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, pending = set(), [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


def stop_everything(make: subprocess.Popen) -> None:
    """Ctrl-C's way first (SIGTERM to make's group: the launcher stops its servers), then SIGKILL
    to every process group that a process below make ran in (each server has its own)."""
    groups = set()
    for pid in descendants(make.pid) | {make.pid}:
        try:
            groups.add(os.getpgid(pid))
        except ProcessLookupError:
            pass
    try:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait(timeout=60)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    for group in groups - {os.getpgrp()}:
        try:
            os.killpg(group, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    make.wait(timeout=30)


def wait_until_ready(make: subprocess.Popen, output: Path, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while READY not in output.read_text(encoding="utf-8", errors="replace"):
        if make.poll() is not None:
            pytest.fail(f"`make run` s'est arrêté (code {make.returncode}) avant d'être prêt :\n"
                        + output.read_text(encoding="utf-8", errors="replace")[-3000:])
        if time.monotonic() > deadline:
            pytest.fail(f"`make run` n'est pas prêt après {timeout:.0f} s :\n"
                        + output.read_text(encoding="utf-8", errors="replace")[-3000:])
        time.sleep(1)


@pytest.mark.integration
def test_readme_commands_that_need_make_run(tmp_path):
    """`make run` in a fresh clone, then every README line that talks to its servers."""
    for tool in ("make", "curl"):
        if shutil.which(tool) is None:
            pytest.skip(f"`{tool}` absent de cette machine : les commandes du README qui l'utilisent ne peuvent pas tourner")
    kinds = classified()
    clone = fresh_clone(tmp_path)
    env = clean_environment()
    nothing_to_rebuild(clone, env)
    ports = {name: free_port() for name in DEFAULT_PORTS}
    env.update({name: str(port) for name, port in ports.items()}, RASA_AUTH_TOKEN="jeton-du-test-readme")
    # The console's CSV export signs in as the README's admin account (created as its block says).
    (admin,) = [c for c in kinds["offline"] if "bot.tools.accounts add admin@" in c]
    output = tmp_path / "make-run.log"
    with open(output, "wb") as log:
        make = subprocess.Popen(["make", "run"], cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until_ready(make, output)
        failures = [failure for failure in [run_line(admin, clone, env)] if failure]
        for command in kinds["servers"]:
            failure = run_line(on_ports(command, ports), clone, env)
            if failure:
                failures.append(failure)
        if (clone / "region.csv").exists() and (clone / "region.csv").read_bytes().lstrip().startswith(b"<"):
            failures.append("region.csv est une page HTML (la connexion n'a pas abouti), pas l'export CSV")
        if make.poll() is not None:
            failures.append(f"`make run` s'est arrêté pendant les commandes (code {make.returncode})")
    finally:
        stop_everything(make)
    launcher = output.read_text(encoding="utf-8", errors="replace")
    if "Traceback" in launcher:
        failures.append(f"$ make run\n{launcher[-3000:]}")
    assert failures == [], "\n\n".join(failures)
