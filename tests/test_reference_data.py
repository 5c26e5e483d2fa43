"""The reference data the product reads at run time ships in data/reference/ (issue 12).

The product must work on a fresh clone with no ../shared beside it; tests may still compare the
shipped copies with the third-party originals in ../shared when they are there.
"""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core import config

ROOT = config.PROJECT_ROOT
SHARED = ROOT.parent / "shared" / "reference"


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("relative", ["geo/communes_idf.csv", "rome/rome_v4_titres.csv"])
def test_reference_files_ship_with_a_source_note(relative):
    path = ROOT / "data" / "reference" / relative
    assert path.is_file()
    note = (path.parent / "SOURCE.md").read_text(encoding="utf-8")
    assert "Licence Ouverte" in note and "2.0" in note
    assert "Origin" in note and "commit" in note


def test_defaults_point_inside_the_project():
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAPNUM_")}
    code = ("from bot.core import config; print(config.COMMUNES_CSV); print(config.ROME_CSV); "
            "print(config.LEXICONS_DIR)")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == [str(ROOT / "data/reference/geo/communes_idf.csv"),
                   str(ROOT / "data/reference/rome/rome_v4_titres.csv"),
                   str(ROOT / "data/lexicons")]


def test_settings_are_overridable(tmp_path):
    env = dict(os.environ, CAPNUM_COMMUNES_CSV=str(tmp_path / "c.csv"),
               CAPNUM_ROME_CSV=str(tmp_path / "r.csv"), CAPNUM_LEXICONS_DIR=str(tmp_path))
    code = "from bot.core import config; print(config.COMMUNES_CSV, config.ROME_CSV, config.LEXICONS_DIR)"
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == [str(tmp_path / "c.csv"), str(tmp_path / "r.csv"), str(tmp_path)]


def test_product_works_without_the_shared_directory(tmp_path):
    """Geo lookups, the NLU lookup table and extraction with CAPNUM_SHARED_DIR pointing nowhere."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAPNUM_")}
    env.update(CAPNUM_SHARED_DIR=str(tmp_path / "absent"), PYTHONPATH=str(ROOT))
    code = (
        "from bot.core.geo import find_place; from bot.core.profile import extract_profile\n"
        "print(find_place('j habite a Argenteuil').departement)\n"
        "v = extract_profile('jveux devenir magasinier, jsui a Créteil, 23 ans').values\n"
        "print(v['departement'], v['domaine'], int(v['age']))\n"
        "from bot.tools.nlu_lookups import main; main(['x', %r])\n" % str(tmp_path / "communes.yml")
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "95"
    assert lines[1] == "94 logistique 23"
    assert "Argenteuil" in (tmp_path / "communes.yml").read_text(encoding="utf-8")


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared not beside the project")
def test_communes_copy_equals_the_shared_original():
    shipped = (ROOT / "data/reference/geo/communes_idf.csv").read_bytes()
    assert shipped == (SHARED / "geo/communes_idf.csv").read_bytes()


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared not beside the project")
def test_rome_titles_cover_every_shared_title():
    shipped = {(r["code_rome"], r["libelle"]) for r in _rows(ROOT / "data/reference/rome/rome_v4_titres.csv")}
    fiches = _rows(SHARED / "rome/rome_v4.csv")
    titles = _rows(SHARED / "rome/rome_v4_appellations.csv")
    assert len(fiches) == 1584 and len(titles) == 13120
    for row in fiches:
        assert (row["code_rome"], " ".join(row["libelle_rome"].split())) in shipped
    for row in titles:
        assert (row["code_rome"], " ".join(row["libelle_appellation"].split())) in shipped


def test_rome_titles_are_well_formed():
    rows = _rows(ROOT / "data/reference/rome/rome_v4_titres.csv")
    assert len(rows) > 15000
    assert {r["type"] for r in rows} == {"fiche", "appellation", "appellation_courte"}
    assert all(len(r["code_rome"]) == 5 and r["code_rome"][0].isalpha() for r in rows)
    assert sum(r["type"] == "fiche" for r in rows) == 1584
