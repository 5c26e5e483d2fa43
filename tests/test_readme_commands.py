"""Every command block of README.md, pasted into a fresh clone (issue 15): no non-zero exit, no
traceback. The commands that need no server run here, in a clone of HEAD with the input files
the README names (offres.xml, mcf.csv, catalogue.yml, annuaire.csv) put beside them; the ones
that talk to running servers, and the deployment steps of a production machine (sudo, systemd),
are told apart by what marks them, so that a new block is classified, never silently skipped."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.core import config

ROOT = Path(__file__).resolve().parent.parent
# A line that needs `make run` (or builds and runs everything itself: make run, make test, make bench).
NEEDS_SERVERS = re.compile(r"^(make (run|test|bench)\b|curl |python3 \.\./shared/eval/converse\.py|"
                           r"\.venv/bin/python -m bot\.loadtest run)")
# A block of a production machine's set-up (PostgreSQL, systemd, nginx): run by an operator as root.
DEPLOYMENT = re.compile(r"^sudo ", re.M)
PASSWORD = "un mot de passe assez long"


def command_blocks(readme: str) -> list[str]:
    return re.findall(r"^```bash\n(.*?)^```", readme, flags=re.M | re.S)


def commands(block: str) -> list[str]:
    """The block's commands, one a line (a line ending in \\ goes on), comments left out."""
    joined = re.sub(r"\\\n\s*", " ", block)
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def offline_commands() -> tuple[list[str], list[str]]:
    """(commands run here, commands that need servers or a production machine)."""
    run, elsewhere = [], []
    for block in command_blocks((ROOT / "README.md").read_text(encoding="utf-8")):
        for command in commands(block):
            (elsewhere if DEPLOYMENT.search(block) or NEEDS_SERVERS.match(command) else run).append(command)
    return run, elsewhere


def test_every_command_block_is_read():
    run, elsewhere = offline_commands()
    assert any("bot.tools.catalogue import offres.xml" in c for c in run)
    assert any("bot.tools.accounts add" in c for c in run) and any("bot.tools.report --since" in c for c in run)
    assert any(c.startswith("make run") for c in elsewhere) and any(c.startswith("sudo ") for c in elsewhere)
    assert commands("a \\\n  --b  # x\n# only a comment\n\nc\n") == ["a  --b  # x", "c"]


@pytest.mark.slow
def test_readme_commands_run_in_a_fresh_clone(tmp_path):
    from tests.test_catalogue_import import MCF_HEADER, mcf_row

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, capture_output=True)
    (clone / ".venv").symlink_to((ROOT / ".venv").resolve())
    (tmp_path / "shared").symlink_to(Path(config.SHARED_DIR).resolve())
    shutil.copy(config.LHEO_REFERENCE_DIR / "exemple-lheo-2.2-onisep.xml", clone / "offres.xml")
    (clone / "mcf.csv").write_text(MCF_HEADER + mcf_row(), encoding="utf-8")
    shutil.copy(ROOT / "bot" / "services" / "catalogue" / "demo_catalogue.yml", clone / "catalogue.yml")
    shutil.copy(ROOT / "bot" / "services" / "directory_demo.csv", clone / "annuaire.csv")
    # The clone's own settings: nothing of this test session's environment.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CAPNUM_", "RASA_", "PYTHON")) and k not in ("DATABASE_URL", "TRACKER_DB_URL",
                                                                                "REDIS_URL", "RABBITMQ_URL")}
    env["PASSWORD"] = PASSWORD
    run, _elsewhere = offline_commands()
    failures = []
    for command in run:
        # No terminal (new session): a password prompt reads its two lines from stdin.
        done = subprocess.run(["bash", "-c", command], cwd=clone, env=env, input=f"{PASSWORD}\n{PASSWORD}\n",
                              capture_output=True, text=True, timeout=600, start_new_session=True)
        if done.returncode != 0 or "Traceback" in done.stdout + done.stderr:
            failures.append(f"$ {command}\n(exit {done.returncode})\n{done.stdout[-1500:]}{done.stderr[-1500:]}")
    assert failures == [], "\n\n".join(failures)
