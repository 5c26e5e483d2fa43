"""A word that answers one question must not set another slot.

In a conversation every message is read for every slot, and a value said in passing sticks
(actions/profile.py keeps it until a correction), so a commune read as a field of work or an
age read as a job held leaves a wrong fact that is never asked again.
"""
from __future__ import annotations

import csv

import pytest

from bot.core import config
from bot.core.profile import extract_profile
from tests.lanes import sweep

OTHER_SLOTS = ("situation", "domaine", "modalite", "creneau", "certification", "equipement", "niveau", "handicap")


def _communes() -> list[str]:
    path = config.COMMUNES_CSV
    with open(path, encoding="utf-8", newline="") as handle:
        return sorted({row["nom"] for row in csv.DictReader(handle)})


def test_no_commune_of_the_region_is_read_as_anything_but_a_place():
    """Every commune in `make test`; every tenth one in the fast lane (tests/lanes.py)."""
    wrong = {}
    for name in sweep(_communes()):
        text = f"j'habite à {name} et je cherche une formation"
        values = extract_profile(text).values
        extra = {slot: values[slot] for slot in OTHER_SLOTS if slot in values}
        if extra:
            wrong[text] = extra
    assert not wrong, f"{len(wrong)} communes read as something else, e.g. {list(wrong.items())[:5]}"


@pytest.mark.parametrize("text, place", [
    ("j'habite à Sainte-Geneviève-des-Bois", "Sainte-Geneviève-des-Bois"),
    ("jhabite a st cloud", "Saint-Cloud"),
    ("Conflans-Ste-Honorine", "Conflans-Sainte-Honorine"),
])
def test_the_place_is_still_read_when_its_name_is_left_out_for_the_other_readers(text, place):
    values = extract_profile(text, requested_slot="departement").values
    assert values.get("commune") == place
    assert "domaine" not in values


def test_a_field_named_beside_the_commune_is_still_read():
    values = extract_profile("j'habite à Sainte-Geneviève-des-Bois et je veux être aide-soignante").values
    assert values["commune"] == "Sainte-Geneviève-des-Bois"
    assert values["domaine"] == "sante_social"


@pytest.mark.parametrize("text", [
    "je suis une femme de 34 ans", "je suis un homme de trente-neuf ans", "je suis une jeune fille de 17 ans",
    "je suis un garçon de 16 ans", "je suis mère de deux enfants", "je suis une personne de 50 ans",
])
def test_saying_who_one_is_is_not_a_job_held(text):
    assert "situation" not in extract_profile(text, requested_slot="age").values
    assert "situation" not in extract_profile(text).values


@pytest.mark.parametrize("text", ["je suis livreur", "je bosse comme magasinier", "je suis femme de chambre"])
def test_a_job_title_held_is_still_a_job(text):
    assert extract_profile(text).values.get("situation") == "salarie"


@pytest.mark.parametrize("text", ["je cherche une formation à distance", "bjr je cherche une formation en ligne",
                                  "jai besoin d une formation en ligne", "je recherche des formations à distance en compta"])
def test_looking_for_what_the_product_offers_is_not_a_mode(text):
    """Every course here is a distance course; looking for one says nothing of the mode."""
    assert "modalite" not in extract_profile(text).values
    assert extract_profile(text, requested_slot="modalite").values["modalite"] == "distance"


@pytest.mark.parametrize("text", ["je veux une formation uniquement à distance", "une formation 100% en ligne",
                                  "je cherche une formation à distance uniquement", "je veux qu'une formation en ligne",
                                  "je voudrais une formation en ligne", "je préfère une formation à distance",
                                  "Je voudrais une formation diplômante en comptabilité, en ligne, le week-end"])
def test_distance_said_as_the_only_way_is_the_mode(text):
    assert extract_profile(text).values["modalite"] == "distance"


@pytest.mark.parametrize("text", [
    "je charbonne dans un entrepôt", "je travaille à mi-temps dans une crèche",
    "J'occupe un poste d'employé administratif.", "je suis employé à temps partiel dans une association",
])
def test_the_job_held_answers_the_situation_not_the_field_wanted_nor_the_hours(text):
    values = extract_profile(text, requested_slot="situation").values
    assert values == {"situation": "salarie"}


def test_the_field_of_the_job_held_answers_the_domain_question():
    assert extract_profile("je travaille à mi-temps dans une crèche", requested_slot="domaine").values["domaine"] == "sante_social"


@pytest.mark.parametrize("text", ["faire des photos avec un drone", "piloter des drones pour faire des vidéos",
                                  "livrer des colis par drone", "des prises de vue aériennes"])
def test_a_trade_named_by_its_tool_outranks_what_the_tool_makes(text):
    assert extract_profile(text, requested_slot="domaine").values["domaine"] == "drones"
