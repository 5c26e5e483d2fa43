"""bot.core.profile: what users write -> canonical slot values (CONTRACT.md §1).

Each case gives the message, the question the bot just asked (or None) and the exact
non-place values expected: a slot missing from `expected` must stay unset. The cases are
the groups of tests/data/profile_cases.yml.
"""
from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

from bot.core.profile import Extraction, extract_profile, is_dont_know, normalise_slot
from bot.core.vocab import AGE_RANGE, DOMAIN_SLOT_VALUES, PROFILE_SLOTS

TODAY = datetime.date(2025, 6, 1)
PLACE_SLOTS = ("departement", "commune")


def values(text: str, requested: str | None = None) -> dict:
    found = extract_profile(text, requested_slot=requested, today=TODAY).values
    return {k: v for k, v in found.items() if k not in PLACE_SLOTS}


def case(text, expected, requested=None):
    return pytest.param(text, requested, expected, id=f"{requested or '-'}:{text}"[:70])


CASES = yaml.safe_load((Path(__file__).parent / "data" / "profile_cases.yml").read_text(encoding="utf-8"))


def cases(*groups: str) -> list:
    """The cases of these groups of tests/data/profile_cases.yml, in file order."""
    return [case(row["text"], row["expect"], row.get("asked")) for group in groups for row in CASES[group]]


@pytest.mark.parametrize(
    "text, requested, expected",
    cases("situation", "age", "niveau", "domaine", "heures", "creneau", "equipement", "modalite",
          "certification", "handicap", "many", "general", "nothing"),
)
def test_extracts_exactly_the_given_values(text, requested, expected):
    assert values(text, requested) == expected


@pytest.mark.parametrize("text, requested", [
    ("150 ans", None), ("j'ai 12 ans", None), ("5 ans", None), ("5", "age"), ("150", "age"),
    ("j'ai cent ans", None),
])
def test_age_out_of_range_is_invalid_without_value(text, requested):
    result = extract_profile(text, requested_slot=requested, today=TODAY)
    assert "age" not in result.values
    assert result.invalid["age"] == f"L'âge doit être compris entre {AGE_RANGE[0]} et {AGE_RANGE[1]} ans."


@pytest.mark.parametrize("text, requested", [
    ("60h par semaine", None), ("10h par jour", None), ("80", "heures_semaine"),
])
def test_weekly_hours_out_of_range_is_invalid(text, requested):
    result = extract_profile(text, requested_slot=requested, today=TODAY)
    assert "heures_semaine" not in result.values
    assert "entre 1 et 45" in result.invalid["heures_semaine"]


def test_values_are_canonical_and_typed():
    result = extract_profile("j'ai 22 ans, 10h par semaine", today=TODAY)
    assert isinstance(result, Extraction)
    assert isinstance(result.values["age"], float) and isinstance(result.values["heures_semaine"], float)
    assert set(result.values) <= set(PROFILE_SLOTS)
    assert result.invalid == {}


@pytest.mark.parametrize("text", ["", "   ", "?", "!!!"])
def test_empty_messages(text):
    assert extract_profile(text) == Extraction()


@pytest.mark.parametrize("text", [
    "je ne sais pas", "jsp", "j'sais pas", "jsais pas", "aucune idée", "peu importe", "n'importe",
    "bof", "je sais pas trop", "chai pas", "ché pas", "Je Sais Pas", "pas d'idée", "j'en sais rien",
])
def test_is_dont_know(text):
    assert is_dont_know(text)


@pytest.mark.parametrize("text", [
    "oui", "non", "22 ans", "la cuisine", "je sais pas si j'ai droit au CPF", "je sais lire", "bonjour",
])
def test_is_not_dont_know(text):
    assert not is_dont_know(text)


@pytest.mark.parametrize("slot, raw, expected", [
    ("niveau", "bac+2", "bac+2"), ("niveau", "Bac +2", "bac+2"), ("niveau", "sans_diplome", "sans_diplome"),
    ("niveau", "BTS", "bac+2"), ("situation", "demandeur_emploi", "demandeur_emploi"),
    ("situation", "au chômage", "demandeur_emploi"), ("domaine", "data_ia", "data_ia"),
    ("domaine", "développement web", "developpement_web"), ("domaine", "je sais pas", "indecis"),
    ("age", 22, 22.0), ("age", "22", 22.0), ("age", "vingt-deux ans", 22.0), ("age", 150, None),
    ("age", "150", None), ("heures_semaine", "10h", 10.0), ("heures_semaine", 10, 10.0),
    ("handicap", True, True), ("handicap", "non", False), ("handicap", "true", True),
    ("creneau", "soir_weekend", "soir_weekend"), ("equipement", "un ordi", "ordinateur"),
    ("modalite", "peu importe", "indifferent"), ("certification", "oui", "oui"),
    ("departement", "93", "93"), ("departement", "hors_idf", "hors_idf"),
    ("niveau", "n'importe quoi", None), ("domaine", None, None), ("not_a_slot", "x", None),
])
def test_normalise_slot(slot, raw, expected):
    assert normalise_slot(slot, raw, today=TODAY) == expected


def test_every_domain_value_is_reachable_from_its_name():
    for domain in DOMAIN_SLOT_VALUES:
        assert normalise_slot("domaine", domain) == domain


@pytest.mark.parametrize("text, requested, expected", [
    ("j'ai 22 ans et j'habite à Créteil", None, {"age": 22, "departement": "94", "commune": "Créteil"}),
    ("jsui a evry g 19 ans", None, {"age": 19, "departement": "91"}),
    ("j'habite à Bobigny", "departement", {"departement": "93", "commune": "Bobigny"}),
    ("Sarcelles", "commune", {"departement": "95", "commune": "Sarcelles"}),
    ("j'habite à Lyon", None, {"departement": "hors_idf"}),
])
def test_places_come_from_geo(text, requested, expected):
    found = extract_profile(text, requested_slot=requested, today=TODAY).values
    assert {k: found.get(k) for k in expected} == expected


@pytest.mark.parametrize("text, requested", [("93", "age"), ("22 ans", None), ("30", "heures_semaine"),
                                             ("10h par semaine", None)])
def test_numbers_answering_other_questions_are_not_places(text, requested):
    found = extract_profile(text, requested_slot=requested, today=TODAY).values
    assert "departement" not in found


# ---------------------------------------------------------------------------------------
# Issue 12: extraction runs on every message. Job titles (ROME), quantities with their unit,
# the words of the unseen cases, and messages that must give nothing.
# ---------------------------------------------------------------------------------------


NOTHING_ON_EVERY_MESSAGE = [
    case(text, {}, requested)
    for text in ["la 2", "compare la 1 et la 3", "tu peux comparer la 1 et la 2",
                 "des détails sur la seconde", "c'est quoi le CPF ?", "voir d'autres",
                 "Auriez-vous d'autres formations ?", "oui", "merci", "merci beaucoup !", "ok",
                 "supprimer mes données", "je veux parler à un conseiller",
                 "je souhaiterais m'entretenir avec un conseiller",
                 "c'est ma conseillère qui m'envoie", "👍", "😀😀🙏", "bonjour", "salut ça va",
                 "c'est gratuit ?", "comment je m'inscris ?", "la dernière", "la première",
                 "c'est quoi une formation certifiante ?", "je peux avoir mon code ?"]
    for requested in (None, "creneau")
]


@pytest.mark.parametrize("text, requested, expected",
                         cases("job_titles", "quantities", "issue_words") + NOTHING_ON_EVERY_MESSAGE
                         + cases("after_the_list", "registers"))
def test_issue_12_cases(text, requested, expected):
    assert values(text, requested) == expected


@pytest.mark.parametrize("text, expected", [
    ("bonjour j'ai 23 ans j'habite à Nanterre je suis au chômage avec un CAP et je voudrais bosser "
     "dans la logistique",
     {"age": 23.0, "departement": "92", "commune": "Nanterre", "situation": "demandeur_emploi",
      "niveau": "cap_bep", "domaine": "logistique"}),
    ("Bonjour, 41 ans, 3 enfants, je vis à Créteil, j'ai juste mon iphone, je voudrais une formation "
     "d'aide-soignante le soir, c'est possible ?",
     {"age": 41.0, "departement": "94", "commune": "Créteil", "equipement": "smartphone",
      "domaine": "sante_social", "creneau": "soir_weekend"}),
    ("slt jsui ds le 93 g 19 an jai arreter le lycee je veu etre cariste c koi les formations",
     {"departement": "93", "age": 19.0, "situation": "jeune_decrocheur", "domaine": "logistique"}),
    ("je suis en intérim à Argenteuil 95100, je cherche une formation certifiante en ligne, "
     "une dizaine d'heures par semaine",
     {"situation": "salarie", "departement": "95", "commune": "Argenteuil", "certification": "oui",
      "modalite": "distance", "heures_semaine": 10.0}),
])
def test_openings_with_many_facts_give_all_of_them(text, expected):
    assert extract_profile(text, today=TODAY).values == expected


# -- general rules of the offline slot bench (tests/personas/slots.py), in our own words ------


@pytest.mark.parametrize("text, requested, expected", cases("general_rules"))
def test_general_rules(text, requested, expected):
    assert values(text, requested) == expected


@pytest.mark.parametrize("text, requested, expected", cases("generalisation"))
def test_generalisation_rules(text, requested, expected):
    assert values(text, requested) == expected


@pytest.mark.parametrize("text, requested, expected", cases("misreadings"))
def test_misreadings_found_in_conversations(text, requested, expected):
    assert values(text, requested) == expected
