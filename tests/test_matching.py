"""Matching engine: unit tests on a small hand-built catalogue (temp SQLite DB)."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.core.matching.rules import V_CERTIF, V_CRENEAU, V_DOMAIN_OTHER, V_DOMAIN_RELATED, V_HEURES, V_MODALITE
from bot.services.search import (
    RELAXATION_ORDER, MatchingEngine, Profile, Refinement, choose_relaxation, relaxation_sentence,
)
from tests.plain_french import problems
from tests.test_matching_support import TODAY, action_spec, fresh_engine, insert_catalogue, violations


def make_engine(tmp_path, specs):
    engine = fresh_engine(str(tmp_path))
    insert_catalogue(engine, specs)
    return MatchingEngine(engine, today=TODAY)


def words(sentence):
    return [w for w in re.split(r"\s+", sentence.strip()) if re.search(r"\w", w)]


def check_no_violation(result, profile: Profile, specs):
    by_id = {s["id"]: s for s in specs}
    slots = {k: v for k, v in profile.__dict__.items() if v is not None}
    for course in result.courses:
        assert violations(course, slots, result.relaxed, by_id[course["id"]]) == [], course["id"]


# --- Profile ---------------------------------------------------------------------------
def test_profile_from_slots_tolerates_strings_and_unknown_keys():
    p = Profile.from_slots({"age": "22", "heures_semaine": "7,5", "departement": 93,
                            "handicap": "false", "requested_slot": "age", "commune": "Bobigny",
                            "niveau": "master", "domaine": "data_ia"})
    assert p.age == 22.0 and p.heures_semaine == 7.5 and p.departement == "93"
    assert p.handicap is False and p.niveau is None and p.domaine == "data_ia"
    assert Profile.from_slots({}) == Profile()
    assert Profile.from_slots({"age": "22 ans", "heures_semaine": "10 h"}).age == 22.0
    assert Profile.from_slots({"age": "vingt"}).age is None


# --- pure relaxation -------------------------------------------------------------------
def test_choose_relaxation_is_cumulative_then_retightened():
    assert choose_relaxation([]) is None
    assert choose_relaxation([0, V_CRENEAU]) == 0
    assert choose_relaxation([V_CRENEAU | V_HEURES]) == V_CRENEAU | V_HEURES
    # Only the weekly hours are needed: the slot is re-tightened.
    assert choose_relaxation([V_HEURES, V_CRENEAU | V_MODALITE]) == V_HEURES
    assert choose_relaxation([V_CERTIF | V_CRENEAU, V_DOMAIN_RELATED]) == V_CRENEAU | V_CERTIF
    assert choose_relaxation([V_DOMAIN_OTHER, V_DOMAIN_RELATED | V_MODALITE]) == V_DOMAIN_RELATED | V_MODALITE
    assert choose_relaxation([V_DOMAIN_OTHER]) == V_DOMAIN_RELATED | V_DOMAIN_OTHER


def test_relaxation_sentence_words_and_accents():
    assert relaxation_sentence([]) is None
    text = relaxation_sentence(list(RELAXATION_ORDER), Profile(domaine="competences_de_base"))
    for sentence in re.split(r"(?<=\.)\s+", text):
        assert len(words(sentence)) <= 20, sentence
    assert "créneau" in text and "heures par semaine" in text and "domaine" in text


# --- hard constraints ------------------------------------------------------------------
def test_hors_idf_gets_nothing(tmp_path):
    m = make_engine(tmp_path, [action_spec("A1")])
    result = m.recommend(Profile(departement="hors_idf"))
    assert result.courses == [] and result.total_matches == 0
    assert result.payload() == {"type": "recommendations", "relaxed": [], "courses": []}


def test_hard_constraints_never_relaxed(tmp_path):
    specs = [
        action_spec("A-AGE", age_min=16, age_max=25),
        action_spec("A-LVL", niveau_entree="bac", niveau_entree_obligatoire=True),
        action_spec("A-DEP", modalite="hybride", departement_lieu="77"),
        action_spec("A-PRES", modalite="presentiel", departement_lieu="93"),
        action_spec("A-CLOSED", sessions=[dict(debut=TODAY + dt.timedelta(days=3), etat_recrutement=2)]),
        action_spec("A-PAST", sessions=[dict(debut=TODAY - dt.timedelta(days=3))]),
        action_spec("A-PHONE", equipement_requis="ordinateur"),
        action_spec("A-SAL", public_tous=False, public_salarie=True),
    ]
    m = make_engine(tmp_path, specs)
    p = Profile(situation="demandeur_emploi", age=30, departement="78", niveau="cap_bep",
                equipement="smartphone", domaine="developpement_web")
    result = m.recommend(p)
    assert result.courses == [] and result.total_matches == 0


def test_permanent_entry_and_lent_equipment(tmp_path):
    specs = [
        action_spec("A-PERM", equipement_prete=True, sessions=[
            dict(debut=TODAY - dt.timedelta(days=100), entrees_permanentes=True)]),
        action_spec("A-SMART", equipement_requis="smartphone",
                    sessions=[dict(debut=TODAY + dt.timedelta(days=30))]),
    ]
    m = make_engine(tmp_path, specs)
    p = Profile(equipement="smartphone", age=40, departement="95")
    result = m.recommend(p)
    ids = [c["id"] for c in result.courses]
    # Own equipment first, lent equipment second.
    assert ids == ["A-SMART", "A-PERM"]
    assert "Fonctionne sur smartphone" in result.courses[0]["raisons"]
    assert "Ordinateur prêté par l'organisme" in result.courses[1]["raisons"]
    assert "Entrée possible à tout moment" in result.courses[1]["raisons"]
    check_no_violation(result, p, specs)


def test_public_rules(tmp_path):
    specs = [
        action_spec("A-DE", public_tous=False, public_demandeur_emploi=True),
        action_spec("A-J", public_tous=False, public_jeune=True, age_min=16, age_max=25),
        action_spec("A-SAL", public_tous=False, public_salarie=True),
    ]
    m = make_engine(tmp_path, specs)
    ids = lambda p: sorted(c["id"] for c in m.recommend(p, limit=10).courses)  # noqa: E731
    assert ids(Profile(situation="demandeur_emploi", age=22)) == ["A-DE", "A-J"]
    assert ids(Profile(situation="demandeur_emploi", age=30)) == ["A-DE"]
    assert ids(Profile(situation="jeune_decrocheur", age=18)) == ["A-J"]
    assert ids(Profile(situation="salarie", age=40)) == ["A-SAL"]
    assert ids(Profile(situation="autre")) == []
    assert ids(Profile()) == ["A-DE", "A-J", "A-SAL"]


def test_no_equipment_needs_loan_or_onsite_access(tmp_path):
    specs = [
        action_spec("A-PC"),
        action_spec("A-LOAN", equipement_prete=True),
        action_spec("A-SITE", modalite="hybride", departement_lieu="93", places_sur_site=12),
        action_spec("A-NONE", equipement_requis="aucun"),
    ]
    m = make_engine(tmp_path, specs)
    p = Profile(equipement="aucun", departement="93")
    result = m.recommend(p, limit=10)
    assert sorted(c["id"] for c in result.courses) == ["A-LOAN", "A-NONE", "A-SITE"]
    assert result.courses[0]["id"] == "A-NONE"


# --- scoring ---------------------------------------------------------------------------
def test_exact_domain_first_and_reasons(tmp_path):
    specs = [
        action_spec("A-EXACT", domaine="developpement_web", certifiante=True, niveau_sortie="cap_bep",
                    creneau="soir_weekend", heures_semaine=8),
        action_spec("A-REL", domaine="design_graphique", remuneree=True, creneau="soir_weekend"),
    ]
    m = make_engine(tmp_path, specs)
    p = Profile(domaine="developpement_web", niveau="sans_diplome", heures_semaine=10,
                creneau="soir_weekend", certification="oui", age=21, departement="93")
    result = m.recommend(p)
    assert [c["id"] for c in result.courses] == ["A-EXACT"]
    assert result.relaxed == [] and result.relaxation_sentence() is None
    raisons = result.courses[0]["raisons"]
    assert 2 <= len(raisons) <= 4
    assert "Accessible sans diplôme" in raisons
    assert "Compatible avec 10 h par semaine le soir et le week-end" in raisons


def test_reasons_are_french_and_bounded(tmp_path):
    specs = [action_spec(f"A{i}", remuneree=bool(i % 2), accessible_handicap=True,
                         age_min=16, age_max=25) for i in range(5)]
    m = make_engine(tmp_path, specs)
    result = m.recommend(Profile(age=20, handicap=True, equipement="ordinateur"), limit=5)
    for course in result.courses:
        assert 2 <= len(course["raisons"]) <= 4
        for r in course["raisons"]:
            assert r and not r[0].islower() and "_" not in r


def test_diversity_avoids_three_of_one_formation(tmp_path):
    specs = [action_spec(f"A{i}", formation_id="F-SAME", remuneree=True) for i in range(4)]
    specs.append(action_spec("B1", formation_id="F-OTHER"))
    m = make_engine(tmp_path, specs)
    result = m.recommend(Profile(), limit=3)
    assert "B1" in [c["id"] for c in result.courses]
    assert result.total_matches == 5


def test_paging_and_exclusion(tmp_path):
    specs = [action_spec(f"A{i}", formation_id=f"F{i}") for i in range(7)]
    m = make_engine(tmp_path, specs)
    first = m.recommend(Profile(), limit=3)
    second = m.recommend(Profile(), limit=3, offset=3)
    ids1, ids2 = [c["id"] for c in first.courses], [c["id"] for c in second.courses]
    assert not set(ids1) & set(ids2) and len(ids2) == 3
    excl = m.recommend(Profile(), limit=3, exclude_ids=ids1)
    assert not set(ids1) & {c["id"] for c in excl.courses}
    assert excl.total_matches == 4


def test_refinements(tmp_path):
    specs = [
        action_spec("A-LONG", heures_total=900, heures_semaine=20, creneau="journee",
                    sessions=[dict(debut=TODAY + dt.timedelta(days=2))]),
        action_spec("A-SHORT", heures_total=60, heures_semaine=5,
                    sessions=[dict(debut=TODAY + dt.timedelta(days=90))]),
        action_spec("A-EVE", creneau="soir_weekend", domaine="data_ia",
                    sessions=[dict(debut=TODAY + dt.timedelta(days=60))]),
    ]
    m = make_engine(tmp_path, specs)
    p = Profile(domaine="developpement_web")
    assert m.recommend(p, refinement=Refinement(shorter=True)).courses[0]["id"] == "A-SHORT"
    assert m.recommend(p, refinement=Refinement(sooner=True)).courses[0]["id"] == "A-LONG"
    r = m.recommend(Profile(domaine="data_ia"))
    assert [c["id"] for c in r.courses] == ["A-EVE"] and r.relaxed == []
    r = m.recommend(p, refinement=Refinement(evening_only=True))
    assert r.relaxed == [] and [c["id"] for c in r.courses] == ["A-SHORT"]
    r = m.recommend(Profile(domaine="developpement_web", heures_semaine=3),
                    refinement=Refinement(evening_only=True))
    assert r.relaxed == ["heures_semaine"] and [c["id"] for c in r.courses] == ["A-SHORT"]


# --- relaxation ------------------------------------------------------------------------
def test_relaxation_names_what_was_loosened(tmp_path):
    specs = [
        action_spec("A-DAY", creneau="journee", heures_semaine=20, domaine="gestion_administration"),
        action_spec("A-OTHER", creneau="soir_weekend", heures_semaine=6, domaine="batiment"),
    ]
    m = make_engine(tmp_path, specs)
    p = Profile(domaine="gestion_administration", creneau="soir_weekend", heures_semaine=8,
                age=34, departement="77", niveau="bac")
    result = m.recommend(p)
    assert [c["id"] for c in result.courses] == ["A-DAY"]
    assert result.relaxed == ["creneau", "heures_semaine"]
    assert result.payload()["relaxed"] == ["creneau", "heures_semaine"]
    sentence = result.relaxation_sentence()
    # By how much, in plain words, for the course shown.
    assert "jusqu'à 20 h par semaine au lieu de 8" in sentence
    assert "des cours en journée, alors que vous préférez le soir et le week-end" in sentence
    assert problems(sentence) == []
    # Without the courses, the constraints are still named.
    generic = relaxation_sentence(result.relaxed, p)
    assert "le créneau" in generic and "les heures par semaine" in generic
    check_no_violation(result, p, specs)
    # Reasons never claim a loosened constraint.
    assert not any("Compatible avec" in r for r in result.courses[0]["raisons"])


def test_relaxation_lists_only_what_was_needed(tmp_path):
    specs = [
        action_spec("A-HOURS", creneau="soir_weekend", heures_semaine=20),
        action_spec("A-BOTH", creneau="journee", heures_semaine=25, modalite="hybride",
                    departement_lieu="93"),
    ]
    m = make_engine(tmp_path, specs)
    p = Profile(creneau="soir_weekend", heures_semaine=8, modalite="distance", departement="93")
    result = m.recommend(p)
    assert result.relaxed == ["heures_semaine"]
    assert [c["id"] for c in result.courses] == ["A-HOURS"]


def test_relaxation_domain_related_then_any(tmp_path):
    specs = [action_spec("A-DESIGN", domaine="design_graphique"),
             action_spec("A-BAT", domaine="batiment")]
    m = make_engine(tmp_path, specs)
    p = Profile(domaine="developpement_web", certification="oui")
    result = m.recommend(p, limit=5)
    assert [c["id"] for c in result.courses] == ["A-DESIGN"]
    assert result.relaxed == ["certification", "domaine"]
    sentence = result.relaxation_sentence()
    assert "sans diplôme reconnu à la fin, alors que vous en voulez un" in sentence
    assert "Je n'ai rien trouvé en développement web : voici des formations proches, en design graphique." in sentence
    assert problems(sentence) == []
    result = m.recommend(Profile(domaine="sante_social"), limit=5)
    assert result.relaxed == ["domaine"] and len(result.courses) == 2


def test_modalite_and_certification_relaxed(tmp_path):
    specs = [action_spec("A-HYB", modalite="hybride", departement_lieu="92", certifiante=False)]
    m = make_engine(tmp_path, specs)
    p = Profile(modalite="distance", certification="oui", departement="75")
    result = m.recommend(p)
    assert result.relaxed == ["modalite", "certification"]
    assert result.payload()["relaxed"] == ["modalite", "certification"]
    assert "quelques séances sur place, alors que vous préférez le 100 % à distance" in result.relaxation_sentence()


def test_undecided_prefers_discovery_courses(tmp_path):
    specs = [action_spec("A-WEB", remuneree=True), action_spec("A-DISC", domaine="indecis"),
             action_spec("A-BASE", domaine="competences_de_base")]
    m = make_engine(tmp_path, specs)
    result = m.recommend(Profile(domaine="indecis"))
    assert [c["id"] for c in result.courses] == ["A-DISC", "A-BASE", "A-WEB"]
    assert result.relaxed == []


def test_deterministic(tmp_path):
    specs = [action_spec(f"A{i:02d}", formation_id=f"F{i % 4}", heures_semaine=5 + i % 3)
             for i in range(20)]
    m = make_engine(tmp_path, specs)
    p = Profile(heures_semaine=6, age=30)
    first = m.recommend(p, limit=5).payload()
    for _ in range(3):
        assert m.recommend(p, limit=5).payload() == first


def test_course_details(tmp_path):
    m = make_engine(tmp_path, [action_spec("A1", remuneree=True)])
    details = m.course("A1")
    assert details["id"] == "A1"
    for key in ("objectif", "contenu", "dates", "modalites_inscription", "contact",
                "cout_stagiaire", "remuneree", "organisme"):
        assert key in details
    assert details["remuneree"] is True
    assert m.course("NOPE") is None


# --- plain French ----------------------------------------------------------------------
def test_texts_are_plain_french(tmp_path):
    from tests.plain_french import problems

    for relaxed in ([RELAXATION_ORDER[0]], list(RELAXATION_ORDER[:2]), list(RELAXATION_ORDER)):
        for domain in (None, "developpement_web", "competences_de_base"):
            text = relaxation_sentence(relaxed, Profile(domaine=domain))
            assert problems(text) == [], text
    specs = [action_spec("A1", modalite="hybride", departement_lieu="91", places_sur_site=5,
                         certifiante=True, remuneree=True, accessible_handicap=True,
                         age_min=16, age_max=25, creneau="journee", heures_semaine=6),
             action_spec("A2", equipement_requis="smartphone", niveau_entree="bac",
                         sessions=[dict(debut=TODAY + dt.timedelta(days=40))])]
    m = make_engine(tmp_path, specs)
    for p in (Profile(age=20, equipement="aucun", handicap=True, departement="91", niveau="bac"),
              Profile(age=20, equipement="smartphone", heures_semaine=10, creneau="journee",
                      niveau="bac+2", domaine="indecis", certification="oui")):
        for course in m.recommend(p, limit=5).courses:
            for reason in course["raisons"]:
                assert problems(reason) == [], reason


# --- the evaluator's own check on the demo catalogue -----------------------------------
PERSONA_PROFILES = {  # public_cases.json personas, with the answers they give normalised
    "p-p01": {"situation": "demandeur_emploi", "age": 21, "departement": "93", "niveau": "sans_diplome",
              "domaine": "developpement_web", "heures_semaine": 20, "creneau": "indifferent",
              "equipement": "ordinateur", "modalite": "indifferent", "certification": "indifferent",
              "handicap": False},
    "p-p02": {"situation": "demandeur_emploi", "age": 34, "departement": "77", "niveau": "bac",
              "domaine": "gestion_administration", "heures_semaine": 8, "creneau": "soir_weekend",
              "equipement": "ordinateur", "modalite": "distance", "certification": "oui",
              "handicap": False},
    "p-p03": {"situation": "jeune_decrocheur", "age": 18, "departement": "95", "niveau": "sans_diplome",
              "domaine": "indecis", "heures_semaine": 30, "creneau": "journee",
              "equipement": "smartphone", "modalite": "indifferent", "certification": "indifferent",
              "handicap": False},
}


def test_public_personas_on_demo_catalogue(tmp_path):
    import importlib.util
    import json

    from bot.core import config

    converse_py = config.SHARED_DIR / "eval" / "converse.py"
    cases_json = config.SHARED_DIR / "eval" / "public_cases.json"
    if not converse_py.exists() or not cases_json.exists():
        pytest.skip("../shared/eval absent")
    spec = importlib.util.spec_from_file_location("converse", converse_py)
    converse = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(converse)
    from bot.services.catalogue.db import create_catalogue_engine
    from bot.services.catalogue.demo import seed_demo

    engine = create_catalogue_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    seed_demo(engine)
    matcher = MatchingEngine(engine)
    personas = {c["id"]: c for c in json.load(open(cases_json, encoding="utf-8"))
                if c["kind"] == "persona"}
    for case_id, slots in PERSONA_PROFILES.items():
        if case_id not in personas:
            continue
        payload = matcher.recommend(Profile.from_slots(slots)).payload()
        assert payload["courses"], case_id
        relaxed = set(payload["relaxed"])
        for course in payload["courses"]:
            assert converse.violations(course, personas[case_id]["facts"], relaxed) == [], course
    engine.dispose()


def test_reasons_name_the_time_slot_only_when_the_person_has_one(tmp_path):
    m = make_engine(tmp_path, [action_spec("A1", creneau="indifferent")])
    for creneau, said in ((None, False), ("indifferent", False), ("soir_weekend", True)):
        reasons = m.recommend(Profile(creneau=creneau)).courses[0]["raisons"]
        assert any(r.startswith("Cours ") for r in reasons) is said, (creneau, reasons)
