"""The cues that correct the NLU's intent where its mistakes cost most (bot.core.cues)."""
from __future__ import annotations

import pytest

from bot.core import cues


@pytest.mark.parametrize("text", ["supprime mes données", "effacez tout svp", "je veux que vous oubliiez mes infos",
                                  "suprimer mes donnees", "droit à l'oubli", "/delete_data"])
def test_erasure_asked_in_words(text):
    assert cues.asks_for_erasure(text)


@pytest.mark.parametrize("text", ["que mon tel", "j'ai un ordi", "non", "voir d'autres", "la 2"])
def test_no_erasure_without_the_words(text):
    assert not cues.asks_for_erasure(text)


@pytest.mark.parametrize("text, wanted", [
    ("je souhaiterais m'entretenir avec un conseiller", True), ("je veux parler à un conseiller", True),
    ("un humain svp", True), ("c'est ma conseillère qui m'envoie", False),
    ("je suis accompagné par la mission locale", False), ("j'ai 22 ans", False)])
def test_asking_for_a_person(text, wanted):
    assert cues.asks_for_person(text) is wanted


@pytest.mark.parametrize("text, wanted", [
    ("donnez-moi un code pour ma conseillère", True), ("je veux le récap", True),
    ("c'est ma conseillère qui m'envoie", False), ("/request_recap", True)])
def test_recap_only_when_asked(text, wanted):
    assert cues.asks_for_recap(text) is wanted


def test_what_a_message_says_about_the_courses_shown():
    assert cues.wants_more("Auriez-vous d'autres formations ?") and cues.wants_more("encore")
    assert not cues.wants_more("un autre domaine")
    assert cues.wants_details("des détails sur la seconde") and cues.wants_details("je peux avoir plus d'infos ?")
    assert cues.wants_compare("tu peux comparer la 1 et la 2") and cues.wants_compare("laquelle est la mieux ?")


def test_questions_are_recognised_with_or_without_a_question_mark():
    assert cues.is_question("c'est quoi le CPF") and cues.is_question("ça coûte combien ?")
    assert not cues.is_question("Je voudrais une formation diplômante en comptabilité, en ligne, le week-end")


def test_a_question_that_asks_for_the_search_is_not_a_knowledge_question():
    assert not cues.is_question("j'ai 22 ans, sans diplôme, quelle formation pour moi ?")
    assert not cues.is_question("Quelles formations pourriez-vous me proposer ?")
    assert cues.is_question("c'est quoi le CPF ? et vous avez quoi comme formations ?")
    assert cues.is_question("la formation est payée ?")


@pytest.mark.parametrize("text", ["y en a plus ?", "vous en avez pas d'autres ?", "montrez-m'en plus",
                                  "il y a que ça ?", "plus de choix svp", "d'autres options ?", "le reste ?"])
def test_everyday_ways_to_ask_for_more_courses(text):
    assert cues.wants_more(text)


@pytest.mark.parametrize("text", ["je veux plus d'info sur la 1", "une formation plus courte", "je veux plus de détails"])
def test_more_about_one_course_or_a_shorter_one_is_not_more_courses(text):
    assert not cues.wants_more(text)
