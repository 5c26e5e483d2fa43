"""The command line, run as a subprocess: python -m bot.tools.catalogue ..."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


from bot.core.config import LHEO_REFERENCE_DIR

ROOT = Path(__file__).resolve().parent.parent


def run(*args, database_url, cwd=None):
    env = dict(os.environ, DATABASE_URL=database_url, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "bot.tools.catalogue", *args], cwd=cwd or ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_cli_import_stats_export(database_url, tmp_path):
    result = run("migrate", database_url=database_url, cwd=tmp_path)  # from any cwd
    assert result.returncode == 0, result.stderr
    result = run("import", str(LHEO_REFERENCE_DIR / "exemple-lheo-2.2-onisep.xml"), database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert "1 actions importées en" in result.stdout and "actions/s" in result.stdout
    result = run("stats", database_url=database_url)
    assert "actions : 1" in result.stdout
    out = tmp_path / "c.json"
    assert run("export", "--format", "json", "--out", str(out), database_url=database_url).returncode == 0
    assert "BTS négociation" in out.read_text(encoding="utf-8")


def test_cli_errors_are_one_french_line(database_url, tmp_path):
    bad = tmp_path / "xxe.xml"
    bad.write_text('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><lheo>&x;</lheo>')
    result = run("import", str(bad), database_url=database_url)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "erreur : xxe.xml : fichier refusé" in result.stderr and "inchangé" in result.stderr
    missing = run("import", str(tmp_path / "nope.xml"), database_url=database_url)
    assert missing.returncode != 0 and "introuvable" in missing.stderr and "Traceback" not in missing.stderr


def test_cli_abort_exit_status(database_url, tmp_path):
    path = tmp_path / "c.yml"
    path.write_text("organismes: [{id: O, nom: X}]\nformations:\n  - {id: F, intitule: T, organisme: O, "
                    "actions: [{id: A, modalite: distance, sessions: [{id: S, debut: '2024-13-45'}]}]}\n",
                    encoding="utf-8")
    result = run("import", str(path), "--on-error", "abort", database_url=database_url)
    assert result.returncode == 3 and "date de début invalide '2024-13-45'" in result.stderr
    result = run("import", str(path), database_url=database_url)
    assert result.returncode == 0 and "rejeté : c.yml ligne 3 : session S" in result.stderr


def test_cli_seed_demo_and_generate(database_url, tmp_path):
    result = run("seed-demo", database_url=database_url)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "bench.xml"
    assert run("generate", "--actions", "300", "--out", str(out), database_url=database_url).returncode == 0
    result = run("import", str(out), database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert "300 actions importées" in result.stdout
