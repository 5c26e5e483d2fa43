"""After the courses (issue 12, classes 6 and 7): the payload's loan flag, closed courses,
ranks in words, questions about one course, lists without repeats, relaxation by how much,
decisive questions, the nearest place of help, and what changed in the search.

On the real demo catalogue (seeded in a temporary SQLite file), or on small hand-built
catalogues (tests.test_matching_support) when a case needs exact rows. No mocks.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, text, update

from bot.core import course_facts, handoff, replies
from bot.core.refine import COURSE_TOPICS, course_question_topic, ranks_mentioned
from bot.services.catalogue.models import Action, Session
from bot.services.search import MatchingEngine, Profile
from tests.plain_french import problems
from tests.servers import BOBIGNY_PROFILE
from tests.test_matching_support import TODAY, action_spec, fresh_engine, insert_catalogue

NO_MORE = r"pas d'autres?|aucune autre|plus d'autres?|c'est tout|toutes les formations"



@pytest.fixture(scope="module")
def demo(demo_matcher):
    return demo_matcher


def small(tmp_path, specs):
    engine = fresh_engine(str(tmp_path))
    insert_catalogue(engine, specs)
    return MatchingEngine(engine, today=TODAY)


def demo_ids(matcher, *where):
    with matcher.engine.connect() as conn:
        return [row[0] for row in conn.execute(select(Action.id).where(*where).order_by(Action.id))]


# --- 1. the loan flag (CONTRACT §2) -----------------------------------------------------
def test_every_lent_demo_course_says_nothing_to_bring(demo):
    lent = demo_ids(demo, Action.equipement_prete.is_(True))
    assert len(lent) == 51
    for course_id in lent:
        details = demo.course(course_id)
        assert details["equipement_requis"] == "aucun" and details["pret_materiel"] is True, course_id
        assert "l'organisme vous prête un ordinateur" in replies.course_details_text(details)
    for course_id in demo_ids(demo, Action.equipement_prete.is_(False)):
        assert demo.course(course_id)["pret_materiel"] is False


@pytest.mark.parametrize("equipement", ["ordinateur", "smartphone", "aucun"])
def test_recommended_lent_courses_carry_the_flag_and_the_reason(demo, equipement):
    lent = set(demo_ids(demo, Action.equipement_prete.is_(True)))
    seen = 0
    for domaine in ("developpement_web", "support_informatique", "competences_de_base", "indecis"):
        profile = Profile.from_slots({**BOBIGNY_PROFILE, "domaine": domaine, "equipement": equipement,
                                      "heures_semaine": 35})
        for course in demo.recommend(profile, limit=10).courses:
            assert course["pret_materiel"] is (course["id"] in lent)
            if course["pret_materiel"]:
                seen += 1
                assert course["equipement_requis"] == "aucun"
                assert "Ordinateur prêté par l'organisme" in course["raisons"]
                assert len(course["raisons"]) <= 4
    assert seen


def test_the_payload_keeps_an_advised_level_apart_from_a_required_one(tmp_path):
    m = small(tmp_path, [action_spec("A-ADV", niveau_entree="bac", niveau_entree_obligatoire=False,
                                     equipement_prete=True, accessible_handicap=True),
                         action_spec("A-REQ", niveau_entree="bac", niveau_entree_obligatoire=True)])
    payloads = {c["id"]: c for c in m.recommend(Profile(niveau="bac+5"), limit=5).courses}
    assert payloads["A-ADV"]["niveau_entree"] == "sans_diplome" and payloads["A-ADV"]["niveau_conseille"] == "bac"
    assert payloads["A-REQ"]["niveau_entree"] == "bac"
    # The list and the details say the same.
    for course_id, course in payloads.items():
        details = m.course(course_id)
        for key in ("niveau_entree", "equipement_requis", "pret_materiel", "accessible_handicap"):
            assert course[key] == details[key], (course_id, key)
    assert payloads["A-ADV"]["pret_materiel"] is True and payloads["A-ADV"]["equipement_requis"] == "aucun"
    m.close()


# --- 2. a course whose sessions are all closed -------------------------------------------
def test_details_of_a_course_with_every_session_closed(demo):
    course_id = demo_ids(demo, Action.sessions.any(Session.entrees_permanentes.is_(False)))[0]
    with demo.engine.begin() as conn:
        saved = conn.execute(select(Session.id, Session.etat_recrutement)
                             .where(Session.action_id == course_id)).all()
        conn.execute(update(Session).where(Session.action_id == course_id).values(etat_recrutement=2))
    try:
        details = demo.course(course_id)
        assert details["session_ouverte"] is False and details["debut"] is None
        assert details["prochaine_entree"] is None
        assert all(not d["recrutement_ouvert"] for d in details["dates"])
        text_ = replies.course_details_text(details)
        assert "Pas de session ouverte pour le moment." in text_
        answer = course_facts.course_fact_text(details, "dates", 2)
        assert "n'a pas de session ouverte" in answer and details["contact"] in answer
        assert replies.start_text(details) == "Pas de session ouverte pour le moment"
        # Never recommended either.
        assert course_id not in {c["id"] for c in demo.recommend(Profile(), limit=500).courses}
    finally:
        with demo.engine.begin() as conn:
            for sid, state in saved:
                conn.execute(update(Session).where(Session.id == sid).values(etat_recrutement=state))


def test_details_when_every_session_is_past(tmp_path):
    m = small(tmp_path, [action_spec("A-PAST", sessions=[
        dict(debut=TODAY - dt.timedelta(days=30), fin=TODAY - dt.timedelta(days=2))])])
    details = m.course("A-PAST")
    assert details["debut"] is None and details["session_ouverte"] is False
    assert "Pas de session ouverte" in replies.course_details_text(details)
    m.close()


def test_details_give_the_start_and_end_of_the_session_shown(tmp_path):
    m = small(tmp_path, [action_spec("A-1", sessions=[
        dict(debut=dt.date(2027, 2, 1), fin=dt.date(2027, 5, 28)),
        dict(debut=TODAY - dt.timedelta(days=40), fin=TODAY + dt.timedelta(days=40))])])
    details = m.course("A-1")
    assert details["debut"] == "2027-02-01" and details["fin"] == "2027-05-28"
    assert "Début le 1er février 2027, fin le 28 mai 2027." in replies.course_details_text(details)
    m.close()


# --- 3. ranks in words and digits --------------------------------------------------------
@pytest.mark.parametrize("message,count,expected", [
    ("compare la 1 et la 3", 3, [1, 3]),
    ("tu peux comparer la 1 et la 2", 3, [1, 2]),
    ("des détails sur la deuxième", 3, [2]),
    ("des détails sur la seconde", 3, [2]),
    ("la 2e svp", 3, [2]),
    ("la 1ère", 3, [1]),
    ("1ère et 3eme", 3, [1, 3]),
    ("la premiere", 3, [1]),
    ("la dernière", 6, [6]),
    ("l'avant-dernière", 6, [5]),
    ("les deux premières", 3, [1, 2]),
    ("les 2 dernières", 6, [5, 6]),
    ("la troisième et la cinquième", 6, [3, 5]),
    ("compare la deux et la trois", 3, [2, 3]),
    ("la n°2", 3, [2]),
    ("celle de 12 h par semaine", 6, []),
    ("j'ai 25 ans, et la 2 ?", 3, [2]),
    ("montrez-m'en 2 autres", 6, []),
    ("attendez une seconde", 3, []),
    ("la 3", 2, []),  # only 2 shown
    ("la dernière", 0, []),
])
def test_ranks_mentioned(message, count, expected):
    assert ranks_mentioned(message, count) == expected


# --- 4. questions about one course -------------------------------------------------------
@pytest.mark.parametrize("message,topic", [
    ("c'est adapté aux personnes handicapées, la première ?", "handicap"),
    ("j'ai une RQTH, ça pose problème ?", "handicap"),
    ("c'est accessible en fauteuil ?", "handicap"),
    ("est-ce qu'ils prêtent un ordi ?", "materiel"),
    ("je peux la suivre avec mon téléphone ?", "materiel"),
    ("c'est gratuit ?", "cout"),
    ("je dois payer quelque chose ?", "cout"),
    ("je serai payé pendant la formation ?", "remuneration"),
    ("c'est rémunéré ?", "remuneration"),
    ("ça commence quand la 2 ?", "dates"),
    ("ça finit quand", "dates"),
    ("ça dure combien de temps ?", "duree"),
    ("c'est combien d'heures par semaine", "duree"),
    ("comment je m'inscris ?", "inscription"),
    ("on a un diplôme à la fin ?", "certification"),
    ("c'est à distance ou il faut se déplacer ?", "modalite"),
    ("ça se passe où ?", "modalite"),
    ("il faut le bac pour entrer ?", "niveau"),
    ("merci beaucoup", None),
    ("la 2 me plaît bien", None),
])
def test_course_question_topic(message, topic):
    assert course_question_topic(message) == topic


def test_every_fact_of_every_demo_course_is_plain_french(demo):
    for course_id in demo_ids(demo):
        course = demo.course(course_id)
        for topic in COURSE_TOPICS + ("inconnu",):
            for rank in (None, 2):
                answer = course_facts.course_fact_text(course, topic, rank)
                assert answer and problems(answer) == [], (course_id, topic, answer)


def test_facts_come_from_the_course_itself(demo):
    accessible = demo.course(demo_ids(demo, Action.accessible_handicap.is_(True))[0])
    not_accessible = demo.course(demo_ids(demo, Action.accessible_handicap.is_(False))[0])
    answer = course_facts.course_fact_text(accessible, "handicap", 2)
    assert answer.startswith(f"La formation 2, « {accessible['titre']} », est accessible aux personnes "
                             "en situation de handicap.")
    assert "ne précise pas d'adaptation" in course_facts.course_fact_text(not_accessible, "handicap")
    assert not_accessible["contact"] in course_facts.course_fact_text(not_accessible, "handicap")
    lent = demo.course(demo_ids(demo, Action.equipement_prete.is_(True))[0])
    assert "l'organisme vous prête un ordinateur" in course_facts.course_fact_text(lent, "materiel", 1)
    own = demo.course(demo_ids(demo, Action.equipement_prete.is_(False), Action.equipement_requis == "ordinateur")[0])
    assert "il faut un ordinateur avec internet" in course_facts.course_fact_text(own, "materiel")
    paid = demo.course(demo_ids(demo, Action.remuneree.is_(True))[0])
    assert "vous pouvez être payé" in course_facts.course_fact_text(paid, "remuneration")
    assert "inscription en ligne" in course_facts.course_fact_text(paid, "inscription").lower()
    details = replies.course_details_text(accessible)
    assert "Accessible aux personnes en situation de handicap" in details
    assert "Handicap : l'organisme ne dit rien sur ce point." in replies.course_details_text(not_accessible)
    assert "Matériel : l'organisme vous prête un ordinateur" in replies.course_details_text(lent)


def test_a_fact_the_data_does_not_give_is_an_honest_i_do_not_know():
    course = {"id": "X", "titre": "Titre", "contact": "Accueil, contact@exemple.org"}
    for topic in ("handicap", "remuneration", "dates", "certification", "quelque_chose"):
        answer = course_facts.course_fact_text(course, topic)
        assert answer == "Je n'ai pas cette information, l'organisme peut vous répondre : Accueil, contact@exemple.org."


# --- 5. lists: numbers, no repeats, an honest end ----------------------------------------
def test_list_intro_singular_and_plural():
    one, three = [{"id": "A", "titre": "T"}], [{"id": str(i), "titre": "T"} for i in range(3)]
    assert "Voici une formation pour vous." in replies.recommendations_text(one, None)
    assert "Voici 3 formations pour vous." in replies.recommendations_text(three, None)
    assert "Voici 2 autres formations." in replies.recommendations_text(three[:2], None, first_rank=4)
    assert "Voici une autre formation." in replies.recommendations_text(one, None, first_rank=4)
    assert replies.recommendations_text(three, None, first_rank=4).count("\n4. ") == 1


def test_more_never_repeats_a_course_and_ends_honestly(demo):
    profile = Profile.from_slots(BOBIGNY_PROFILE)
    shown: list = []
    first = demo.recommend(profile, limit=3)
    relaxed = first.relaxed
    for _ in range(60):
        result = demo.recommend(profile, limit=3, exclude_ids=shown)
        if not result.courses:
            break
        ids = [c["id"] for c in result.courses]
        assert not set(ids) & set(shown)
        assert result.relaxed == relaxed  # "more" keeps the constraints of the first list
        shown += ids
    else:
        pytest.fail("the list never ended")
    assert len(shown) == len(set(shown)) == first.total_matches
    end = replies.no_more_text(dict(BOBIGNY_PROFILE))
    assert re.search(NO_MORE, end, re.I) and "Vous pouvez accepter plus d'heures" in end
    assert problems(end) == []


@pytest.mark.parametrize("slots,expected", [
    ({"heures_semaine": 5, "creneau": "soir_weekend", "modalite": "distance", "domaine": "data_ia"},
     ["plus d'heures", "des cours en journée", "quelques séances sur place", "un domaine proche"]),
    ({"certification": "oui", "domaine": "langues", "creneau": "journee"},
     ["le soir ou le week-end", "une formation sans diplôme", "un domaine proche"]),
    ({}, []),
])
def test_no_more_text_names_what_to_loosen(slots, expected):
    assert replies.what_to_loosen(slots) == expected
    assert replies.what_to_loosen(Profile.from_slots(slots)) == expected
    end = replies.no_more_text(slots)
    assert re.search(NO_MORE, end, re.I) and problems(end) == []
    assert all(item in end for item in expected[:3])


# --- 6. relaxation says by how much -------------------------------------------------------
def test_relaxed_hours_say_the_real_maximum(tmp_path):
    m = small(tmp_path, [action_spec("A-12", heures_semaine=12), action_spec("A-9", heures_semaine=9),
                         action_spec("A-30", heures_semaine=30, domaine="batiment")])
    result = m.recommend(Profile(heures_semaine=5, domaine="developpement_web"))
    assert result.relaxed == ["heures_semaine"]
    sentence = result.relaxation_sentence()
    assert "J'ai accepté jusqu'à 12 h par semaine au lieu de 5." in sentence
    assert problems(sentence) == []
    text_ = replies.recommendations_text(result.courses, sentence)
    assert text_.startswith("Aucune formation ne répond à tout") and "Voici 2 formations pour vous." in text_
    m.close()


def test_relaxed_slot_and_domain_in_plain_words(tmp_path):
    m = small(tmp_path, [action_spec("A-DAY", creneau="journee", domaine="design_graphique")])
    result = m.recommend(Profile(creneau="soir_weekend", domaine="developpement_web"))
    assert result.relaxed == ["creneau", "domaine"]
    sentence = result.relaxation_sentence()
    assert "des cours en journée, alors que vous préférez le soir et le week-end" in sentence
    assert "voici des formations proches, en design graphique" in sentence
    assert problems(sentence) == []
    m.close()


# --- 7. decisive questions and disability -------------------------------------------------
ALL = ("situation", "age", "niveau", "heures_semaine", "equipement", "creneau", "modalite",
       "certification", "handicap")


def test_decisive_slots_on_identical_courses_open_to_every_answer_is_empty(tmp_path):
    m = small(tmp_path, [action_spec(f"A{i}", equipement_requis="aucun", certifiante=True) for i in range(4)])
    assert m.decisive_slots(Profile(), ALL) == set()
    m.close()


@pytest.mark.parametrize("slot,spec", [("creneau", dict(creneau="soir_weekend")),
                                       ("modalite", dict(modalite="hybride", departement_lieu="93")),
                                       ("certification", dict(certifiante=False))])
def test_a_preference_that_would_turn_every_candidate_away_is_asked(tmp_path, slot, spec):
    """All candidates in the evening: "en journée" makes the list a relaxation, said as such."""
    base = dict(equipement_requis="aucun", certifiante=True)
    m = small(tmp_path, [action_spec(f"A{i}", **{**base, **spec}) for i in range(3)])
    assert slot in m.decisive_slots(Profile(departement="93"), ALL)
    m.close()


@pytest.mark.parametrize("slot,specs", [
    ("creneau", [dict(creneau="journee"), dict(creneau="soir_weekend")]),
    ("creneau", [dict(creneau="journee"), dict(creneau="indifferent")]),
    ("modalite", [dict(modalite="distance"), dict(modalite="hybride", departement_lieu="93")]),
    ("certification", [dict(certifiante=True), dict(certifiante=False)]),
    ("handicap", [dict(accessible_handicap=True), dict(accessible_handicap=False)]),
    ("equipement", [dict(equipement_requis="ordinateur"), dict(equipement_requis="aucun")]),
    ("heures_semaine", [dict(heures_semaine=5), dict(heures_semaine=20)]),
    ("niveau", [dict(niveau_entree="bac", niveau_entree_obligatoire=True), dict()]),
    ("age", [dict(age_min=16, age_max=25), dict()]),
    ("situation", [dict(public_tous=False, public_salarie=True), dict()]),
])
def test_a_slot_is_decisive_only_when_the_candidates_differ_on_it(tmp_path, slot, specs):
    base = dict(equipement_requis="aucun", certifiante=True)
    m = small(tmp_path, [action_spec(f"A{i}", **{**base, **spec}) for i, spec in enumerate(specs)])
    assert m.decisive_slots(Profile(departement="93"), ALL) == {slot}
    # Known, or not asked about: never returned.
    assert slot not in m.decisive_slots(Profile(departement="93"), [s for s in ALL if s != slot])
    m.close()


def test_decisive_slots_ignore_what_the_known_constraints_rule_out(tmp_path):
    m = small(tmp_path, [action_spec("A-DAY", creneau="journee", certifiante=True, equipement_requis="aucun"),
                         action_spec("A-EVE", creneau="soir_weekend", certifiante=False, equipement_requis="aucun"),
                         action_spec("A-EVE2", creneau="soir_weekend", certifiante=False,
                                     accessible_handicap=True, equipement_requis="aucun")])
    # Evenings only: the certifying day course is not a candidate any more, so "a diploma"
    # would turn every candidate away (certification), and they differ on access (handicap).
    assert m.decisive_slots(Profile(creneau="soir_weekend"), ALL) == {"handicap", "certification"}
    assert m.decisive_slots(Profile(departement="hors_idf"), ALL) == set()
    m.close()


def test_handicap_brings_accessible_courses_first_with_the_reason(tmp_path):
    specs = [action_spec(f"A{i}", accessible_handicap=(i == 4), remuneree=(i < 4),
                         sessions=[dict(debut=TODAY + dt.timedelta(days=1 + 30 * (i == 4)))])
             for i in range(5)]
    m = small(tmp_path, specs)
    without = m.recommend(Profile.from_slots({"handicap": "false"}))
    assert "A4" not in [c["id"] for c in without.courses]
    with_ = m.recommend(Profile.from_slots({"handicap": True}))
    assert with_.courses[0]["id"] == "A4" and with_.courses[0]["accessible_handicap"] is True
    assert "Accessible aux personnes en situation de handicap" in with_.courses[0]["raisons"]
    assert Profile.from_slots({"handicap": "oui"}).handicap is True
    m.close()


def test_decisive_slots_on_the_demo_catalogue(demo):
    known = Profile.from_slots({"age": 21, "departement": "93", "situation": "demandeur_emploi",
                                "niveau": "sans_diplome", "domaine": "developpement_web"})
    found = demo.decisive_slots(known, ("heures_semaine", "equipement", "creneau", "modalite",
                                        "certification", "handicap"))
    assert found and found <= {"heures_semaine", "equipement", "creneau", "modalite", "certification", "handicap"}


# --- 8. the nearest place of help --------------------------------------------------------
def test_handoff_names_the_nearest_place_as_such(demo):
    from bot.services.directory import DEMO_DIRECTORY, find_places, import_directory

    import_directory(DEMO_DIRECTORY, demo.engine)
    profile = {"age": 21, "departement": "93", "commune": "Montreuil", "handicap": True}
    places = find_places(handoff.place_types_for(profile), "93", "Montreuil", demo.engine)
    assert [p.type for p in places] == ["mission_locale", "cap_emploi"]
    texts = [handoff.handoff_text(profile)] + [handoff.place_text(p.as_dict()) for p in places]
    assert "votre ville" not in " ".join(texts)
    assert texts[1].startswith("La mission locale la plus proche de chez vous : Mission locale de Bobigny")
    assert texts[2].startswith("Le Cap emploi le plus proche de chez vous")
    assert "Cap emploi" in texts[0]
    for line in texts:
        assert problems(line) == [], line


def test_a_place_in_the_persons_town_comes_before_the_general_one(demo):
    from bot.services.directory import find_places
    from bot.services.people import DirectoryPlace

    with demo.engine.begin() as conn:
        conn.execute(DirectoryPlace.__table__.insert(), [
            {"id": "mission_locale:93:ml montreuil", "type": "mission_locale", "nom": "Mission locale de l'Est",
             "departement": "93", "communes": None, "adresse": "5 rue B, 93100 Montreuil", "telephone": None,
             "url": None, "fictif": True}])
    try:
        assert [p.nom for p in find_places(["mission_locale"], "93", "Montreuil", demo.engine)] == [
            "Mission locale de l'Est"]
        line = handoff.place_text(find_places(["mission_locale"], "93", "Montreuil", demo.engine)[0].as_dict())
        assert line.startswith("La mission locale la plus proche de chez vous : Mission locale de l'Est, à Montreuil.")
    finally:
        with demo.engine.begin() as conn:
            conn.execute(text("DELETE FROM directory_place WHERE id = 'mission_locale:93:ml montreuil'"))


# --- 9. what changed in the search -------------------------------------------------------
@pytest.mark.parametrize("before,after,expected", [
    ({"domaine": "developpement_web"}, {"domaine": "design_graphique"},
     "C'est noté : je cherche maintenant en design graphique. Je ne cherche plus en développement web."),
    ({"heures_semaine": 5}, {"heures_semaine": 30},
     "C'est noté : je cherche maintenant jusqu'à 30 h par semaine au lieu de 5."),
    ({"departement": "93", "commune": "Bobigny"}, {"departement": "94", "commune": "Créteil"},
     "C'est noté : je cherche maintenant près de Créteil, au lieu de Bobigny."),
    ({"modalite": "distance"}, {"modalite": "indifferent"},
     "C'est noté : je cherche maintenant des cours à distance ou en partie sur place."),
    ({"domaine": "indecis", "heures_semaine": 10}, {"domaine": "data_ia", "heures_semaine": 10},
     "C'est noté : je cherche maintenant en données et intelligence artificielle."),
    ({"domaine": "data_ia"}, {"domaine": "data_ia"}, None),
])
def test_profile_change_text(before, after, expected):
    assert replies.profile_change_text(before, after) == expected


def test_several_changes_stay_short():
    sentence = replies.profile_change_text(
        {"domaine": "developpement_web", "heures_semaine": 5, "departement": "93", "modalite": "distance"},
        {"domaine": "competences_de_base", "heures_semaine": 30, "departement": "95", "modalite": "hybride",
         "creneau": "soir_weekend"})
    assert sentence.startswith("C'est noté : je cherche maintenant en compétences de base")
    assert "jusqu'à 30 h par semaine" in sentence and "le soir ou le week-end" in sentence
    assert problems(sentence) == []


def test_the_end_of_the_list_names_only_what_would_bring_new_courses(tmp_path):
    m = small(tmp_path, [action_spec("A-1", heures_semaine=8), action_spec("A-2", heures_semaine=6),
                         action_spec("A-LONG", heures_semaine=20),
                         action_spec("A-DESIGN", heures_semaine=5, domaine="design_graphique")])
    profile = Profile(heures_semaine=10, domaine="developpement_web", creneau="soir_weekend")
    first = m.recommend(profile, limit=3)
    assert [c["id"] for c in first.courses] == ["A-2", "A-1"] and first.relaxed == []
    assert first.loosenable is None
    end = m.recommend(profile, limit=3, exclude_ids=[c["id"] for c in first.courses])
    assert end.courses == [] and end.loosenable == ["heures_semaine", "domaine"]
    text_ = replies.no_more_text(end)
    assert text_ == ("C'est tout : je n'ai pas d'autre formation pour votre recherche. "
                     "Vous pouvez accepter plus d'heures ou un domaine proche.")
    # From the profile alone, every constraint set is named (here the time slot too).
    assert "des cours en journée" in replies.no_more_text(profile)
    m.close()


def test_the_list_of_courses_offers_every_next_step():
    payloads = [b.payload for b in replies.result_buttons([{"id": "A"}, {"id": "B"}], first_rank=4)]
    assert payloads == ['/course_details{"course_id":"A"}', '/course_details{"course_id":"B"}', "/compare_courses",
                        "/show_more", "/none_fit", "/human_handoff", "/request_recap"]
    assert [b.title for b in replies.result_buttons([{"id": "A"}], more=False)][:1] == ["Détails de la 1"]
    assert "/compare_courses" not in [b.payload for b in replies.result_buttons([{"id": "A"}])]
