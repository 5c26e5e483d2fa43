"""The action server's answers are still checked against Rasa's schema, with a validator
built once (capnum_rasa/action_responses.py)."""
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
