"""A whole conversation through the real Rasa server and action server (REST channel)."""
from __future__ import annotations

import pytest

from tests.rasa_trackers import DOMAIN
from tests.servers import BOBIGNY_ANSWERS


def variants(response: str) -> list[str]:
    """The texts domain.yml gives a response (one of them is said)."""
    return [v["text"] for v in DOMAIN["responses"][response]]

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def assistant(shared_assistant):
    # The session's plain assistant (tests/conftest.py), shared with other modules.
    return shared_assistant


def texts(messages):
    return "\n".join(m.get("text") or "" for m in messages)


def recommendations(messages):
    return next((m["custom"] for m in messages
                 if isinstance(m.get("custom"), dict) and m["custom"].get("type") == "recommendations"), None)


def test_a_whole_conversation_up_to_recommendations(assistant):
    sender = "integration-whole"
    first = assistant.say(sender, "Bonjour")
    assert any(greeting in texts(first) for greeting in variants("utter_greet")), texts(first)
    assert "supprimer mes données" in texts(first)
    assert assistant.slots(sender)["requested_slot"] == "age"

    answers = BOBIGNY_ANSWERS
    messages = first
    for _ in range(12):
        asked = assistant.slots(sender)["requested_slot"]
        if asked is None:
            break
        messages = assistant.say(sender, answers[asked])
    payload = recommendations(messages)
    assert payload is not None, texts(messages)
    assert payload["courses"], "at least one course"
    for course in payload["courses"]:
        assert "93" in course["departements"]
        assert course["niveau_entree"] == "sans_diplome"
        assert course["raisons"]
    slots = assistant.slots(sender)
    assert slots["age"] == 21
    assert (slots["departement"], slots["commune"]) == ("93", "Bobigny")
    assert slots["situation"] == "demandeur_emploi"
    assert slots["niveau"] == "sans_diplome"
    assert slots["domaine"] == "developpement_web"
    assert slots["heures_semaine"] == 20
    assert slots["equipement"] == "ordinateur"


def test_a_question_mid_form_is_answered_then_the_form_resumes(assistant):
    sender = "integration-faq"
    assistant.say(sender, "je cherche une formation")
    assert assistant.slots(sender)["requested_slot"] == "age"
    reply = assistant.say(sender, "c'est quoi le CPF ?")
    assert "compte personnel de formation" in texts(reply).lower()
    assert "âge" in texts(reply)
    assert assistant.slots(sender)["requested_slot"] == "age"


def test_a_correction_is_kept(assistant):
    sender = "integration-correction"
    assistant.say(sender, "j'ai 24 ans et j'habite à Créteil")
    reply = assistant.say(sender, "en fait j'habite à Évry")
    slots = assistant.slots(sender)
    assert (slots["departement"], slots["commune"]) == ("91", "Évry-Courcouronnes")
    assert slots["age"] == 24
    assert "Évry-Courcouronnes" in texts(reply)


def test_outside_the_region_is_told_plainly(assistant):
    sender = "integration-lyon"
    reply = assistant.say(sender, "j'habite à Lyon")
    assert assistant.slots(sender)["departement"] == "hors_idf"
    assert "Île-de-France" in texts(reply)
    assert recommendations(reply) is None


def test_out_of_scope_and_other_languages_get_a_polite_french_answer(assistant):
    reply = texts(assistant.say("integration-oos", "quel temps fait-il demain ?"))
    assert any(answer in reply for answer in variants("utter_out_of_scope")), reply
    assert "français" in texts(assistant.say("integration-en", "hello, do you speak english?"))
